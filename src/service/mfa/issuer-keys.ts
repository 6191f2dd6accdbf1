/**
 * The configured identity provider's signing keys: OIDC discovery (through openid-client,
 * which checks that the metadata's `issuer` is the configured one) and the JWKS (jose's
 * remote key set, which caches keys and refetches on an unknown `kid`, rate-limited).
 * Only the configured issuer is ever fetched: a token naming another issuer is refused
 * before any request. Fail closed: no metadata or keys means no verified MFA.
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { allowInsecureRequests, discovery } from 'openid-client';

/** Discovery or the JWKS could not be fetched. */
export class IdpUnavailableError extends Error {
  override readonly name = 'IdpUnavailableError';
}

export interface IssuerKeys {
  /** The key resolver for `jwtVerify`. @throws IdpUnavailableError */
  keySet(): Promise<JWTVerifyGetKey>;
}

export interface IssuerKeysOptions {
  /** How long discovery metadata is reused (default 1 h). */
  metadataTtlMs?: number;
  /** After a failed discovery, how long before trying again (default 30 s). */
  retryAfterMs?: number;
  /** Per-request timeout (default 5 s). */
  timeoutMs?: number;
  now?: () => number;
}

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** Keys of `issuer` for tokens issued to `clientId`. Nothing is fetched until first use. */
export function createIssuerKeys(issuer: string, clientId: string, opts: IssuerKeysOptions = {}): IssuerKeys {
  const now = opts.now ?? Date.now;
  const ttl = opts.metadataTtlMs ?? 3_600_000;
  const retryAfter = opts.retryAfterMs ?? 30_000;
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const issuerUrl = new URL(issuer);
  let cached: { jwksUri: string; keys: JWTVerifyGetKey; at: number } | undefined;
  let failedAt: number | undefined;
  let inflight: Promise<JWTVerifyGetKey> | undefined;

  async function load(): Promise<JWTVerifyGetKey> {
    try {
      const config = await discovery(issuerUrl, clientId, undefined, undefined, {
        timeout: Math.ceil(timeoutMs / 1000),
        ...(isLoopbackHttp(issuerUrl) ? { execute: [allowInsecureRequests] } : {}),
      });
      const jwksUri = config.serverMetadata().jwks_uri;
      if (!jwksUri) throw new Error('the discovery document has no jwks_uri');
      const keys = cached?.jwksUri === jwksUri ? cached.keys : createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: timeoutMs, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
      cached = { jwksUri, keys, at: now() };
      failedAt = undefined;
      return keys;
    } catch (e) {
      failedAt = now();
      throw new IdpUnavailableError(`discovery of ${issuer} failed: ${(e as Error).message}`);
    }
  }

  return {
    async keySet() {
      const t = now();
      if (cached && t - cached.at < ttl) return cached.keys;
      // A recent failure: keep using the last good keys, or fail fast without hammering the IdP.
      if (failedAt !== undefined && t - failedAt < retryAfter) {
        if (cached) return cached.keys;
        throw new IdpUnavailableError(`the identity provider ${issuer} did not answer recently; retrying after ${Math.round(retryAfter / 1000)} s`);
      }
      inflight ??= load().finally(() => {
        inflight = undefined;
      });
      try {
        return await inflight;
      } catch (e) {
        if (cached) return cached.keys;
        throw e;
      }
    },
  };
}
