/** The dependencies every route plugin reads from the Fastify instance. */
import type { CryptoKey } from 'jose';
import type { ServiceConfig } from './config.js';
import type { DeviceCache } from './device-cache.js';
import type { ServiceKeys } from './keys.js';
import type { MfaBinding } from './mfa/bind-mfa.js';
import type { ServiceMetrics } from './metrics.js';
import type { PolicyEngine } from './policy-engine.js';
import type { Store } from './store/types.js';
import type { TokenCache } from './token-cache.js';

export interface ServiceDeps {
  config: ServiceConfig;
  store: Store;
  keys: ServiceKeys;
  /** The active policy (hot-reloaded: read it per request). */
  policy: () => PolicyEngine;
  now?: () => Date;
  /** MFA re-verification; built from `config.oidc` when absent. */
  mfa?: MfaBinding;
}

export interface PostureContext extends Required<ServiceDeps> {
  devices: DeviceCache;
  tokens: TokenCache;
  deviceKeys: Map<string, CryptoKey>;
  metrics: ServiceMetrics;
}

declare module 'fastify' {
  interface FastifyInstance {
    posture: PostureContext;
  }
}
