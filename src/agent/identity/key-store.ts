/**
 * Where the device's private key lives. The tray app will add a `safeStorage`
 * implementation and TPM/Secure Enclave keys can follow; headless mode uses a 0600 file.
 */
import { readFile, stat } from 'node:fs/promises';
import type { JWK } from 'jose';
import { PostureError } from '../../shared/errors.js';
import { writeFileAtomic } from '../config/atomic-file.js';

export interface KeyStore {
  /** Human-readable location for messages ("file /home/a/.config/…/device-key.json"). */
  readonly description: string;
  /** The stored private JWK, or undefined when none exists yet. @throws PostureError KEY_* */
  load(): Promise<JWK | undefined>;
  /** Stores the private JWK, replacing any previous one atomically. @throws PostureError KEY_STORE_IO */
  save(jwk: JWK): Promise<void>;
}

/**
 * A key file readable only by its owner. `load` refuses a file that group or others can
 * read or write (someone could have copied the key) or that another user owns.
 */
export class FileKeyStore implements KeyStore {
  readonly description: string;
  constructor(private readonly path: string, private readonly checkPermissions = process.platform !== 'win32') {
    this.description = `file ${path}`;
  }

  async load(): Promise<JWK | undefined> {
    let raw: string;
    try {
      if (this.checkPermissions) {
        const st = await stat(this.path);
        if ((st.mode & 0o077) !== 0) {
          throw new PostureError('KEY_INSECURE_PERMISSIONS', `refusing device key ${this.path}: mode ${(st.mode & 0o777).toString(8)} lets other users read it; expected 600 (fix: chmod 600, and re-enrol if it may have been copied)`);
        }
        if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
          throw new PostureError('KEY_INSECURE_PERMISSIONS', `refusing device key ${this.path}: owned by uid ${st.uid}, not by this user`);
        }
      }
      raw = await readFile(this.path, 'utf8');
    } catch (e) {
      if (e instanceof PostureError) throw e;
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new PostureError('KEY_STORE_IO', `cannot read device key ${this.path}: ${(e as Error).message}`, { cause: e });
    }
    let jwk: unknown;
    try {
      jwk = JSON.parse(raw);
    } catch (e) {
      throw new PostureError('KEY_CORRUPT', `device key ${this.path} is not valid JSON`, { cause: e });
    }
    if (!isEcPrivateJwk(jwk)) throw new PostureError('KEY_CORRUPT', `device key ${this.path} is not a P-256 private JWK`);
    return jwk;
  }

  async save(jwk: JWK): Promise<void> {
    try {
      await writeFileAtomic(this.path, `${JSON.stringify(jwk)}\n`);
    } catch (e) {
      throw new PostureError('KEY_STORE_IO', `cannot write device key ${this.path}: ${(e as Error).message}`, { cause: e });
    }
  }
}

function isEcPrivateJwk(v: unknown): v is JWK {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return o.kty === 'EC' && o.crv === 'P-256' && typeof o.x === 'string' && typeof o.y === 'string' && typeof o.d === 'string';
}
