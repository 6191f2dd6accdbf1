import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../src/agent/identity/key-store.js';
import { SAFE_STORAGE_FORMAT, SafeStorageKeyStore, type StringEncryption } from '../../src/main/safe-storage-key-store.js';

/** A reversible stand-in for safeStorage (XOR with a per-"user" byte), so a wrong user cannot decrypt. */
function fakeSafeStorage(opts: { user?: number; available?: boolean; backend?: string; rotate?: boolean } = {}): StringEncryption & { encryptions: number } {
  const user = opts.user ?? 0x5a;
  const enc = {
    encryptions: 0,
    isAsyncEncryptionAvailable: async () => opts.available ?? true,
    encryptStringAsync: async (s: string) => {
      enc.encryptions++;
      return Buffer.concat([Buffer.from([user]), Buffer.from(s, 'utf8').map((b) => b ^ user)]);
    },
    decryptStringAsync: async (b: Buffer) => {
      if (b[0] !== user) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return { shouldReEncrypt: opts.rotate ?? false, result: Buffer.from(b.subarray(1).map((x) => x ^ user)).toString('utf8') };
    },
    ...(opts.backend ? { getSelectedStorageBackend: () => opts.backend as string } : {}),
  };
  return enc;
}

async function privateJwk() {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return exportJWK(privateKey);
}

const dir = () => mkdtempSync(join(tmpdir(), 'safe-store-'));

describe('SafeStorageKeyStore', () => {
  it('round-trips a P-256 key; the file holds only ciphertext, mode 0600', async () => {
    const path = join(dir(), 'device-key.safe.json');
    const store = new SafeStorageKeyStore({ path, encryption: fakeSafeStorage() });
    const jwk = await privateJwk();
    await store.save(jwk);
    expect(await store.load()).toEqual(jwk);
    const raw = readFileSync(path, 'utf8');
    expect(JSON.parse(raw).format).toBe(SAFE_STORAGE_FORMAT);
    expect(raw).not.toContain(jwk.d as string);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('returns undefined when there is no key yet', async () => {
    expect(await new SafeStorageKeyStore({ path: join(dir(), 'k.json'), encryption: fakeSafeStorage() }).load()).toBeUndefined();
  });

  it('refuses to work when encryption is unavailable or Linux would use its hard-coded basic_text key', async () => {
    const jwk = await privateJwk();
    await expect(new SafeStorageKeyStore({ path: join(dir(), 'k.json'), encryption: fakeSafeStorage({ available: false }) }).save(jwk)).rejects.toMatchObject({ code: 'KEY_STORE_IO' });
    await expect(new SafeStorageKeyStore({ path: join(dir(), 'k.json'), encryption: fakeSafeStorage({ backend: 'basic_text' }) }).save(jwk)).rejects.toThrow(/hard-coded key/);
    await expect(new SafeStorageKeyStore({ path: join(dir(), 'k.json'), encryption: fakeSafeStorage({ backend: 'gnome_libsecret' }) }).save(jwk)).resolves.toBeUndefined();
  });

  it('says KEY_CORRUPT when another user’s keychain encrypted the file', async () => {
    const path = join(dir(), 'k.json');
    await new SafeStorageKeyStore({ path, encryption: fakeSafeStorage({ user: 1 }) }).save(await privateJwk());
    await expect(new SafeStorageKeyStore({ path, encryption: fakeSafeStorage({ user: 2 }) }).load()).rejects.toMatchObject({ code: 'KEY_CORRUPT', message: expect.stringMatching(/another account or machine/) });
  });

  it('says KEY_CORRUPT for a file in another format or a decrypted value that is not a private P-256 JWK', async () => {
    const d = dir();
    writeFileSync(join(d, 'a.json'), '{"kty":"EC"}');
    await expect(new SafeStorageKeyStore({ path: join(d, 'a.json'), encryption: fakeSafeStorage() }).load()).rejects.toMatchObject({ code: 'KEY_CORRUPT' });
    const enc = fakeSafeStorage();
    const ct = (await enc.encryptStringAsync(JSON.stringify({ kty: 'RSA', n: 'x', e: 'AQAB' }))).toString('base64');
    writeFileSync(join(d, 'b.json'), JSON.stringify({ format: SAFE_STORAGE_FORMAT, ciphertext: ct }));
    await expect(new SafeStorageKeyStore({ path: join(d, 'b.json'), encryption: enc }).load()).rejects.toThrow(/not a P-256 private JWK/);
  });

  it('re-encrypts when safeStorage asks (key rotated)', async () => {
    const path = join(dir(), 'k.json');
    const enc = fakeSafeStorage({ rotate: true });
    const store = new SafeStorageKeyStore({ path, encryption: enc });
    await store.save(await privateJwk());
    await store.load();
    expect(enc.encryptions).toBe(2);
  });

  it('migrates the headless plaintext key once, encrypted', async () => {
    const d = dir();
    const legacy = new FileKeyStore(join(d, 'device-key.json'));
    const jwk = await privateJwk();
    await legacy.save(jwk);
    const store = new SafeStorageKeyStore({ path: join(d, 'device-key.safe.json'), encryption: fakeSafeStorage(), migrateFrom: legacy });
    expect(await store.load()).toEqual(jwk);
    expect(readFileSync(join(d, 'device-key.safe.json'), 'utf8')).not.toContain(jwk.d as string);
  });
});
