/**
 * Builds the posture service: named plugins loaded external → app → routes. The caller
 * owns the store, keys and policy (so tests and the CLI can wire real ones).
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { PostureContext, ServiceDeps } from './app-types.js';
import { DeviceCache } from './device-cache.js';
import { createMetrics } from './metrics.js';
import { errorsPlugin } from './plugins/errors.js';
import { attestationsRoutes } from './routes/attestations.js';
import { authzRoutes } from './routes/authz.js';
import { challengesRoutes } from './routes/challenges.js';
import { devicesRoutes } from './routes/devices.js';
import { enrollmentsRoutes } from './routes/enrollments.js';
import { opsRoutes } from './routes/ops.js';
import { TokenCache } from './token-cache.js';

export interface BuildOptions {
  logger?: FastifyServerOptions['logger'];
  https?: { cert: Buffer; key: Buffer };
  /** Process metrics (GC, event loop); off in tests. */
  defaultMetrics?: boolean;
}

/** A ready-to-listen Fastify instance. */
export async function buildApp(deps: ServiceDeps, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 64 * 1024,
    // Deeply nested or poisoned JSON is rejected by the parser itself.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    trustProxy: '127.0.0.1',
    return503OnClosing: true,
    ...(opts.https ? { https: opts.https } : {}),
  } as FastifyServerOptions);
  const context: PostureContext = {
    ...deps,
    now: deps.now ?? (() => new Date()),
    devices: new DeviceCache(deps.store),
    tokens: new TokenCache(),
    deviceKeys: new Map(),
    metrics: createMetrics(opts.defaultMetrics ?? false),
  };
  app.decorate('posture', context);
  await app.register(errorsPlugin);
  await app.register(opsRoutes);
  await app.register(enrollmentsRoutes);
  await app.register(challengesRoutes);
  await app.register(attestationsRoutes);
  await app.register(devicesRoutes);
  await app.register(authzRoutes);
  return app;
}
