/** The device's ES256 key: created on first use, identified by its RFC 7638 thumbprint. */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { PostureError } from '../../shared/errors.js';
import type { KeyStore } from './key-store.js';

export const DEVICE_KEY_ALG = 'ES256';

export interface DeviceKey {
  privateKey: CryptoKey;
  /** Public JWK with `kid`, `alg` and `use` set; safe to share. */
  publicJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint of the public key (`jkt`). */
  kid: string;
  /** True when this call generated the key. */
  created: boolean;
}

/** Loads the device key from `store`, generating and saving one if none exists. */
export async function loadOrCreateDeviceKey(store: KeyStore): Promise<DeviceKey> {
  let jwk = await store.load();
  let created = false;
  if (!jwk) {
    const { privateKey } = await generateKeyPair(DEVICE_KEY_ALG, { extractable: true });
    jwk = await exportJWK(privateKey);
    await store.save(jwk);
    created = true;
  }
  const publicJwk = publicPart(jwk);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  let privateKey: CryptoKey;
  try {
    privateKey = (await importJWK({ ...jwk, alg: DEVICE_KEY_ALG }, DEVICE_KEY_ALG)) as CryptoKey;
  } catch (e) {
    throw new PostureError('KEY_CORRUPT', `the stored device key cannot be imported (${store.description}): ${(e as Error).message}`, { cause: e });
  }
  return { privateKey, publicJwk: { ...publicJwk, kid, alg: DEVICE_KEY_ALG, use: 'sig' }, kid, created };
}

function publicPart(jwk: JWK): JWK {
  const { kty, crv, x, y } = jwk;
  return { kty, crv, x, y } as JWK;
}
