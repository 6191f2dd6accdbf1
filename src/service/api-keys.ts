/** Scoped API keys for gateways and admins: shown once, stored as SHA-256 hashes. */
import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyRecord, Store } from './store/types.js';

const PREFIX = { admin: 'pa_admin_', gateway: 'pa_gw_' } as const;

/** SHA-256 of a secret (API key or enrolment code), hex. Secrets are 256-bit random, so no KDF is needed. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Creates a key and returns the secret, which is never stored. */
export async function createApiKey(store: Store, scope: ApiKeyRecord['scope'], resources: string[], now: number, label?: string): Promise<{ id: string; secret: string }> {
  const id = randomBytes(6).toString('hex');
  const secret = `${PREFIX[scope]}${id}_${randomBytes(32).toString('base64url')}`;
  await store.createApiKey({ id, hash: hashSecret(secret), scope, resources, createdAt: now, ...(label ? { label } : {}) });
  return { id, secret };
}

/** The key for a presented secret, if valid. Cheap to reject malformed input. */
export async function findApiKey(store: Store, secret: string | undefined): Promise<ApiKeyRecord | undefined> {
  if (!secret || secret.length > 200 || !/^pa_(admin|gw)_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
  return store.findApiKey(hashSecret(secret));
}

/** True when `key` may ask about `resource`. Admin keys may ask about everything. */
export function keyCoversResource(key: ApiKeyRecord, resource: string): boolean {
  return key.scope === 'admin' || key.resources.includes('*') || key.resources.includes(resource);
}
