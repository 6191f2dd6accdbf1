/**
 * The tray app's device-key store: the private JWK encrypted with Electron `safeStorage`
 * (Keychain on macOS, DPAPI on Windows, libsecret/KWallet on Linux), in a 0600 file.
 * The encryption functions are injected, so this logic is tested without Electron.
 */
import { readFile } from 'node:fs/promises';
import type { JWK } from 'jose';
import { writeFileAtomic } from '../agent/config/atomic-file.js';
import type { KeyStore } from '../agent/identity/key-store.js';
import { PostureError } from '../shared/errors.js';

/** The subset of Electron's `safeStorage` this store uses. */
export interface StringEncryption {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }>;
  /** Linux only: `basic_text` means a hard-coded key, i.e. no real protection. */
  getSelectedStorageBackend?(): string;
}

export const SAFE_STORAGE_FORMAT = 'posture-safe-storage/1';

interface Envelope {
  format: typeof SAFE_STORAGE_FORMAT;
  ciphertext: string;
}

export interface SafeStorageKeyStoreOptions {
  path: string;
  encryption: StringEncryption;
  /** A plaintext store (headless mode's file) to migrate from once; it is left in place for the CLI. */
  migrateFrom?: KeyStore;
}

export class SafeStorageKeyStore implements KeyStore {
  readonly description: string;
  constructor(private readonly opts: SafeStorageKeyStoreOptions) {
    this.description = `safeStorage-encrypted file ${opts.path}`;
  }

  async load(): Promise<JWK | undefined> {
    let raw: string;
    try {
      raw = await readFile(this.opts.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new PostureError('KEY_STORE_IO', `cannot read device key ${this.opts.path}: ${(e as Error).message}`, { cause: e });
      const legacy = await this.opts.migrateFrom?.load();
      if (legacy) await this.save(legacy);
      return legacy;
    }
    const envelope = parseEnvelope(raw);
    if (!envelope) throw new PostureError('KEY_CORRUPT', `device key ${this.opts.path} is not a ${SAFE_STORAGE_FORMAT} file`);
    await this.#requireEncryption();
    let decrypted: { shouldReEncrypt: boolean; result: string };
    try {
      decrypted = await this.opts.encryption.decryptStringAsync(Buffer.from(envelope.ciphertext, 'base64'));
    } catch (e) {
      throw new PostureError('KEY_CORRUPT', `device key ${this.opts.path} cannot be decrypted by this user's keychain (copied from another account or machine?); enrol again`, { cause: e });
    }
    let jwk: unknown;
    try {
      jwk = JSON.parse(decrypted.result);
    } catch (e) {
      throw new PostureError('KEY_CORRUPT', `device key ${this.opts.path} decrypted to something that is not JSON`, { cause: e });
    }
    if (!isEcPrivateJwk(jwk)) throw new PostureError('KEY_CORRUPT', `device key ${this.opts.path} is not a P-256 private JWK`);
    if (decrypted.shouldReEncrypt) await this.save(jwk);
    return jwk;
  }

  async save(jwk: JWK): Promise<void> {
    await this.#requireEncryption();
    let ciphertext: Buffer;
    try {
      ciphertext = await this.opts.encryption.encryptStringAsync(JSON.stringify(jwk));
    } catch (e) {
      throw new PostureError('KEY_STORE_IO', `safeStorage could not encrypt the device key: ${(e as Error).message}`, { cause: e });
    }
    const envelope: Envelope = { format: SAFE_STORAGE_FORMAT, ciphertext: ciphertext.toString('base64') };
    try {
      await writeFileAtomic(this.opts.path, `${JSON.stringify(envelope)}\n`);
    } catch (e) {
      throw new PostureError('KEY_STORE_IO', `cannot write device key ${this.opts.path}: ${(e as Error).message}`, { cause: e });
    }
  }

  async #requireEncryption(): Promise<void> {
    if (!(await this.opts.encryption.isAsyncEncryptionAvailable())) {
      throw new PostureError('KEY_STORE_IO', 'safeStorage encryption is not available (no keychain or secret service for this session)');
    }
    if (this.opts.encryption.getSelectedStorageBackend?.() === 'basic_text') {
      throw new PostureError('KEY_STORE_IO', 'safeStorage would use a hard-coded key on this Linux desktop (no secret service); refusing to store the device key with it');
    }
  }
}

function parseEnvelope(raw: string): Envelope | undefined {
  try {
    const o = JSON.parse(raw) as Partial<Envelope>;
    return o.format === SAFE_STORAGE_FORMAT && typeof o.ciphertext === 'string' && o.ciphertext.length > 0 ? (o as Envelope) : undefined;
  } catch {
    return undefined;
  }
}

function isEcPrivateJwk(v: unknown): v is JWK {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return o.kty === 'EC' && o.crv === 'P-256' && typeof o.x === 'string' && typeof o.y === 'string' && typeof o.d === 'string';
}
