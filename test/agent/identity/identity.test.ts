import { chmod, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadOrCreateDeviceKey } from '../../../src/agent/identity/device-key.js';
import { FileKeyStore } from '../../../src/agent/identity/key-store.js';
import { hashMachineId, readHashedMachineId } from '../../../src/agent/identity/machine-id.js';
import { isPostureError } from '../../../src/shared/errors.js';
import { FIXTURES_DIR } from '../../helpers/fixtures.js';

async function keyPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'posture-key-')), 'state', 'device-key.json');
}

describe('device key', () => {
  it('creates an ES256 key on first use in a 0600 file inside a 0700 directory', async () => {
    const path = await keyPath();
    const key = await loadOrCreateDeviceKey(new FileKeyStore(path));
    expect(key.created).toBe(true);
    expect(key.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: key.kid });
    expect(key.publicJwk).not.toHaveProperty('d');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(path, '..'))).mode & 0o777).toBe(0o700);
  });

  it('loads the same key (same kid) on the next run', async () => {
    const path = await keyPath();
    const a = await loadOrCreateDeviceKey(new FileKeyStore(path));
    const b = await loadOrCreateDeviceKey(new FileKeyStore(path));
    expect(b.created).toBe(false);
    expect(b.kid).toBe(a.kid);
  });

  it('uses the RFC 7638 SHA-256 thumbprint of the public key as kid', async () => {
    const key = await loadOrCreateDeviceKey(new FileKeyStore(await keyPath()));
    const { kty, crv, x, y } = key.publicJwk;
    expect(key.kid).toBe(await calculateJwkThumbprint({ kty, crv, x, y } as JWK, 'sha256'));
  });

  it('computes the RFC 7638 known-answer thumbprint', async () => {
    const vector = JSON.parse(await readFile(join(FIXTURES_DIR, 'jose', 'rfc7638-thumbprint.json'), 'utf8')) as { jwk: JWK; thumbprint: string };
    expect(await calculateJwkThumbprint(vector.jwk, 'sha256')).toBe(vector.thumbprint);
  });

  it('refuses a key file that other users can read', async () => {
    const path = await keyPath();
    await loadOrCreateDeviceKey(new FileKeyStore(path));
    await chmod(path, 0o644);
    const err = await loadOrCreateDeviceKey(new FileKeyStore(path)).catch((e: unknown) => e);
    expect(isPostureError(err, 'KEY_INSECURE_PERMISSIONS')).toBe(true);
    expect((err as Error).message).toMatch(/mode 644/);
  });

  it('refuses a corrupt key file instead of silently replacing it', async () => {
    const path = await keyPath();
    await loadOrCreateDeviceKey(new FileKeyStore(path));
    await writeFile(path, '{"kty":"EC","crv":"P-256"', { mode: 0o600 });
    const err = await loadOrCreateDeviceKey(new FileKeyStore(path)).catch((e: unknown) => e);
    expect(isPostureError(err, 'KEY_CORRUPT')).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('{"kty":"EC","crv":"P-256"');
  });

  it('refuses a JWK that is not a P-256 private key', async () => {
    const path = await keyPath();
    await loadOrCreateDeviceKey(new FileKeyStore(path));
    await writeFile(path, JSON.stringify({ kty: 'oct', k: 'AAAA' }), { mode: 0o600 });
    expect(isPostureError(await loadOrCreateDeviceKey(new FileKeyStore(path)).catch((e: unknown) => e), 'KEY_CORRUPT')).toBe(true);
  });

  it('writes atomically, leaving no temporary files behind', async () => {
    const path = await keyPath();
    await loadOrCreateDeviceKey(new FileKeyStore(path));
    expect(await readdir(join(path, '..'))).toEqual(['device-key.json']);
  });
});

describe('machine id', () => {
  it('hashes the raw id with the app salt, case- and whitespace-insensitively', () => {
    const h = hashMachineId('3d1219c7c4c5404aaa1f6d2a48adfda4');
    expect(h).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashMachineId(' 3D1219C7C4C5404AAA1F6D2A48ADFDA4\n')).toBe(h);
    expect(h).not.toContain('3d1219c7');
  });

  it('reads this machine id and never returns the raw value', async () => {
    const raw = (await readFile('/etc/machine-id', 'utf8').catch(() => '')).trim();
    const hashed = await readHashedMachineId();
    if (raw) expect(hashed).toBe(hashMachineId(raw));
    else expect(hashed === undefined || /^[A-Za-z0-9_-]{43}$/.test(hashed)).toBe(true);
  });
});
