import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/service/store/sqlite.js';
import type { AttestationWrite, DeviceState, Store } from '../../../src/service/store/types.js';

const NOW = 1_780_000_000_000;
const stores: Store[] = [];

async function open(): Promise<{ store: Store; path: string }> {
  const path = join(await mkdtemp(join(tmpdir(), 'posture-store-')), 'posture.db');
  const store = openSqliteStore(path);
  stores.push(store);
  return { store, path };
}

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close().catch(() => undefined)));
});

const device = (n: number) => ({ id: `dev_${String(n).padStart(16, 'x')}`, jkt: `jkt-${n}`, publicJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }, enrolledAt: NOW });

async function enrolled(store: Store, n = 1): Promise<string> {
  await store.createEnrollmentCode({ hash: `code-${n}`, user: 'alice', groups: ['data-scientists'], createdAt: NOW, expiresAt: NOW + 3_600_000 });
  const rec = await store.enrollDevice(`code-${n}`, NOW, device(n));
  if (typeof rec === 'string') throw new Error(rec);
  return rec.id;
}

function state(deviceId: string, earStatus: DeviceState['earStatus'] = 'affirming'): DeviceState {
  return { deviceId, attestedAt: NOW, freshUntil: NOW + 900_000, earStatus, resources: { 'feature-store': { decision: 'allow', reasons: [], message: 'ok' } }, segments: {}, checks: {}, resultJti: `r-${Math.random()}`, updatedAt: NOW };
}

function write(deviceId: string, nonce: string, jti: string): AttestationWrite {
  return { deviceId, nonce, jti, jtiExpiresAt: NOW + 180_000, receivedAt: NOW, state: state(deviceId), submods: { edr: { status: 'pass' } } };
}

describe('SQLite store', () => {
  it('enrols a device with a code exactly once and binds the user and groups of the code', async () => {
    const { store } = await open();
    await store.createEnrollmentCode({ hash: 'h1', user: 'alice', groups: ['data-scientists'], createdAt: NOW, expiresAt: NOW + 1000 });
    const first = await store.enrollDevice('h1', NOW, device(1));
    expect(first).toMatchObject({ user: 'alice', groups: ['data-scientists'] });
    expect(await store.enrollDevice('h1', NOW, device(2))).toBe('code-invalid');
    expect((await store.listDevices()).map((d) => d.id)).toEqual([device(1).id]);
  });

  it('refuses an expired or unknown code and a key that is already enrolled', async () => {
    const { store } = await open();
    await store.createEnrollmentCode({ hash: 'old', user: 'bob', groups: [], createdAt: NOW, expiresAt: NOW + 10 });
    expect(await store.enrollDevice('old', NOW + 10, device(1))).toBe('code-invalid');
    expect(await store.enrollDevice('nope', NOW, device(1))).toBe('code-invalid');
    await enrolled(store, 1);
    await store.createEnrollmentCode({ hash: 'again', user: 'bob', groups: [], createdAt: NOW, expiresAt: NOW + 1000 });
    expect(await store.enrollDevice('again', NOW, { ...device(2), jkt: device(1).jkt })).toBe('key-in-use');
  });

  it('stores an attestation once: the nonce is single-use and a replayed jti is refused', async () => {
    const { store } = await open();
    const id = await enrolled(store);
    await store.createNonce('n1', NOW + 60_000);
    await store.createNonce('n2', NOW + 60_000);
    expect(await store.recordAttestation(write(id, 'n1', 'j1'))).toBe('stored');
    expect(await store.recordAttestation(write(id, 'n1', 'j2'))).toBe('nonce-invalid');
    expect(await store.recordAttestation(write(id, 'n2', 'j1'))).toBe('replayed');
    expect(await store.countAttestations(id)).toBe(1);
    // The replay was rolled back: its nonce is still usable once.
    expect(await store.recordAttestation(write(id, 'n2', 'j3'))).toBe('stored');
  });

  it('refuses an expired nonce and an attestation from a revoked device', async () => {
    const { store } = await open();
    const id = await enrolled(store);
    await store.createNonce('late', NOW - 1);
    expect(await store.recordAttestation(write(id, 'late', 'j1'))).toBe('nonce-invalid');
    await store.createNonce('n', NOW + 60_000);
    expect(await store.revokeDevice(id, NOW)).toBe(true);
    expect(await store.recordAttestation(write(id, 'n', 'j2'))).toBe('device-revoked');
    expect(await store.getDeviceState(id)).toBeUndefined();
  });

  it('commits a burst of concurrent attestations together, every one durable and in order', async () => {
    const { store, path } = await open();
    const ids = await Promise.all([1, 2, 3, 4].map((n) => enrolled(store, n)));
    const writes = Array.from({ length: 200 }, (_, i) => write(ids[i % 4] ?? '', `n${i}`, `j${i}`));
    await Promise.all(writes.map((w) => store.createNonce(w.nonce, NOW + 60_000)));
    const outcomes = await Promise.all(writes.map((w) => store.recordAttestation(w)));
    expect(outcomes.every((o) => o === 'stored')).toBe(true);
    await store.close();
    stores.pop();
    // Reopen the file as another process would after a crash: everything acknowledged is there.
    const db = new Database(path, { readonly: true });
    expect((db.prepare('SELECT COUNT(*) AS n FROM attestations').get() as { n: number }).n).toBe(200);
    expect((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check).toBe('ok');
    db.close();
  });

  it('keeps the latest state per device and an event trail', async () => {
    const { store } = await open();
    const id = await enrolled(store);
    await store.createNonce('n', NOW + 60_000);
    await store.recordAttestation(write(id, 'n', 'j'));
    expect((await store.getDeviceState(id))?.resources['feature-store']?.decision).toBe('allow');
    await store.revokeDevice(id, NOW + 5);
    const events = await store.listEvents(0, 10);
    expect(events.map((e) => e.type)).toEqual(['device.enrolled', 'device.revoked']);
    expect(events[1]?.seq).toBeGreaterThan(events[0]?.seq ?? 0);
  });

  it('purges expired nonces, jtis and unused codes', async () => {
    const { store } = await open();
    const id = await enrolled(store);
    await store.createNonce('old', NOW + 10);
    await store.purgeExpired(NOW + 20);
    expect(await store.recordAttestation(write(id, 'old', 'j'))).toBe('nonce-invalid');
  });

  it('rotates service keys, retiring the previous one', async () => {
    const { store } = await open();
    const k = (kid: string, at: number) => ({ kid, privateJwk: { kty: 'EC' }, publicJwk: { kty: 'EC', kid }, createdAt: at });
    await store.insertServiceKey(k('a', NOW), NOW);
    await store.insertServiceKey(k('b', NOW + 1), NOW + 1);
    const keys = await store.listServiceKeys();
    expect(keys.map((x) => [x.kid, x.retiredAt])).toEqual([['a', NOW + 1], ['b', undefined]]);
  });
});
