/**
 * The service's ES256 signing keys. The newest key signs; older keys stay published in
 * the JWKS until every token they signed has expired, so rotation never breaks a gateway.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { ServiceKeyRecord, Store } from './store/types.js';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

export interface ServiceKeys {
  /** The key that signs new tokens. */
  signing(): SigningKey;
  /** Public key for a kid, if it is published. */
  verificationKey(kid: string): CryptoKey | undefined;
  /** The published JWKS. */
  jwks(): { keys: JWK[] };
  /** Re-reads keys from the store (after `keys rotate` in another process). */
  reload(): Promise<void>;
  /**
   * Re-reads the keys when `kid` is not published here, at most once per 5 s: a token
   * signed by another replica with a key created after this one loaded its keys.
   */
  refreshFor(kid: string): Promise<void>;
}

/** Generates a new key, stores it as current and retires the previous ones. */
export async function rotateServiceKey(store: Store, now: number): Promise<ServiceKeyRecord> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub, 'sha256');
  const rec: ServiceKeyRecord = {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    publicJwk: { ...pub, kid, alg: 'ES256', use: 'sig' },
    createdAt: now,
  };
  await store.insertServiceKey(rec, now);
  return rec;
}

/**
 * Loads the keys (creating the first one), publishing retired keys for
 * `publishRetiredForMs` after retirement (the longest token lifetime plus skew).
 */
export async function loadServiceKeys(store: Store, opts: { now: () => number; publishRetiredForMs: number }): Promise<ServiceKeys> {
  let signing: SigningKey | undefined;
  let published = new Map<string, { jwk: JWK; key: CryptoKey }>();

  const load = async (): Promise<void> => {
    let recs = await store.listServiceKeys();
    if (!recs.some((r) => r.retiredAt === undefined)) {
      await rotateServiceKey(store, opts.now());
      recs = await store.listServiceKeys();
    }
    const current = recs.filter((r) => r.retiredAt === undefined).sort((a, b) => b.createdAt - a.createdAt)[0];
    if (!current) throw new Error('no current service key');
    const next = new Map<string, { jwk: JWK; key: CryptoKey }>();
    for (const r of recs) {
      if (r.retiredAt !== undefined && r.retiredAt + opts.publishRetiredForMs < opts.now()) continue;
      next.set(r.kid, { jwk: r.publicJwk, key: (await importJWK(r.publicJwk, 'ES256')) as CryptoKey });
    }
    signing = { kid: current.kid, privateKey: (await importJWK(current.privateJwk, 'ES256')) as CryptoKey };
    published = next;
  };
  await load();

  let lastRefresh = 0;
  return {
    refreshFor: async (kid) => {
      if (published.has(kid) || opts.now() - lastRefresh < 5_000) return;
      lastRefresh = opts.now();
      await load();
    },
    signing: () => {
      if (!signing) throw new Error('service keys not loaded');
      return signing;
    },
    verificationKey: (kid) => published.get(kid)?.key,
    jwks: () => ({ keys: [...published.values()].map((v) => v.jwk) }),
    reload: load,
  };
}
