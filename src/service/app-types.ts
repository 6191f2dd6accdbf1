/** The dependencies every route plugin reads from the Fastify instance. */
import type { CryptoKey } from 'jose';
import type { ServiceConfig } from './config.js';
import type { DeviceCache } from './device-cache.js';
import type { DenyRecorder } from './events/deny-recorder.js';
import type { EventsConfig } from './events/sinks-config.js';
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
  /** Where events are delivered (CAEP push, OCSF sinks); none when absent. */
  events?: EventsConfig;
}

export interface PostureContext extends Required<Omit<ServiceDeps, 'events'>> {
  devices: DeviceCache;
  /** Authz denies, written to the event table once a second. */
  denials: DenyRecorder;
  tokens: TokenCache;
  deviceKeys: Map<string, CryptoKey>;
  metrics: ServiceMetrics;
}

declare module 'fastify' {
  interface FastifyInstance {
    posture: PostureContext;
  }
}
