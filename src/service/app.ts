/**
 * Builds the posture service: named plugins loaded external → app → routes. The caller
 * owns the store, keys and policy (so tests and the CLI can wire real ones).
 */
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { Gauge } from 'prom-client';
import type { PostureContext, ServiceDeps } from './app-types.js';
import { startChangeFeed } from './change-feed.js';
import { DeviceCache } from './device-cache.js';
import { createDenyRecorder } from './events/deny-recorder.js';
import { startEventPipeline } from './events/pipeline.js';
import { createMetrics } from './metrics.js';
import { createMfaBinding } from './mfa/bind-mfa.js';
import { signInRoutes } from './mfa/routes.js';
import { errorsPlugin, pathOf } from './plugins/errors.js';
import { problem } from './problems.js';
import { attestationsRoutes } from './routes/attestations.js';
import { authzRoutes } from './routes/authz.js';
import { challengesRoutes } from './routes/challenges.js';
import { devicesRoutes } from './routes/devices.js';
import { enrollmentsRoutes } from './routes/enrollments.js';
import { eventsRoutes } from './routes/events.js';
import { opsRoutes } from './routes/ops.js';
import { TokenCache } from './token-cache.js';

export interface BuildOptions {
  logger?: FastifyServerOptions['logger'];
  https?: { cert: Buffer; key: Buffer };
  /** Process metrics (GC, event loop); off in tests. */
  defaultMetrics?: boolean;
}

/**
 * `posture_devices{state}`: enrolled, revoked, and fresh (not revoked, posture still
 * fresh) devices (DESIGN §9). Read from the store when scraped, at most every 10 s. A failed
 * read keeps the last counts: a database outage must not fail the whole scrape, whose other
 * metrics are what an operator needs then.
 */
function registerDeviceGauge(ctx: PostureContext, onError: (e: unknown) => void): void {
  let cached: { at: number; counts: { enrolled: number; revoked: number; fresh: number } } | undefined;
  new Gauge({
    name: 'posture_devices',
    help: 'Devices by state: enrolled (not revoked), revoked, fresh (not revoked, posture fresh now)',
    labelNames: ['state'],
    registers: [ctx.metrics.registry],
    async collect() {
      const now = ctx.now().getTime();
      if (!cached || now - cached.at > 10_000) {
        try {
          cached = { at: now, counts: await ctx.store.countDevices(now) };
        } catch (e) {
          onError(e);
        }
      }
      for (const [state, n] of Object.entries(cached?.counts ?? {})) this.set({ state }, n);
    },
  });
}

/** A ready-to-listen Fastify instance. */
export async function buildApp(deps: ServiceDeps, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 64 * 1024,
    // Deeply nested or poisoned JSON is rejected by the parser itself.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Fastify's default strips unknown properties; the schemas say additionalProperties: false, so refuse them.
    ajv: { customOptions: { removeAdditional: false } },
    // Router errors (bad %-escape, over-long param) bypass the error handler: answer them as problems too.
    frameworkErrors: (err: Error, _req: unknown, reply: FastifyReply) => reply.code(400).type('application/problem+json').send(problem('bad-request', err.message.slice(0, 200))),
    trustProxy: '127.0.0.1',
    return503OnClosing: true,
    // Two info lines per request would be most of the CPU of an authz decision (measured:
    // 33,190 vs 60,498 decisions/s at the default level) and gigabytes of logs a day.
    logController: new LogController({ disableRequestLogging: true }),
    ...(opts.https ? { https: opts.https } : {}),
  } as FastifyServerOptions);
  const metrics = createMetrics(opts.defaultMetrics ?? false);
  const context: PostureContext = {
    ...deps,
    now: deps.now ?? (() => new Date()),
    mfa: deps.mfa ?? createMfaBinding(deps.config.oidc, deps.store, { insecureTrustAgentMfa: deps.config.insecureTrustAgentMfa }),
    devices: new DeviceCache(deps.store),
    tokens: new TokenCache(),
    deviceKeys: new Map(),
    metrics,
    denials: createDenyRecorder(deps.store, {
      onDropped: (n) => {
        metrics.denyEventsDropped.inc(n);
        app.log.warn({ dropped: n }, 'authz denies over the per-second event cap were counted but not stored as events');
      },
      onError: (e) => app.log.error({ err: e }, 'writing authz deny events failed'),
    }),
  };
  app.decorate('posture', context);
  registerDeviceGauge(context, (e) => app.log.error({ err: e }, 'counting devices for /metrics failed'));
  // Devices changed by other processes or replicas leave this process's cache at once
  // (a notification) or within one poll interval (the safety net).
  const feed = await startChangeFeed(deps.store, context.devices, {
    intervalMs: deps.config.changePollMs,
    onError: (e) => app.log.error({ err: e }, 'change feed poll failed'),
  });
  const pipeline = deps.events ? startEventPipeline(context, feed, deps.events, app.log) : undefined;
  app.addHook('onClose', async () => {
    await context.denials.close();
    await pipeline?.stop();
    feed.stop();
  });
  await app.register(errorsPlugin);
  // Not logged per request: health checks and scrapes (load balancers and Prometheus poll
  // them), and the gateways' authz calls (every request of every user: decisions are
  // counted in /metrics, denies become events). Refused requests elsewhere log one line
  // (plugins/errors.ts).
  await app.register(opsRoutes);
  await app.register(authzRoutes);
  // Agent and admin calls: one debug line each (`--log-level debug`), on top of the
  // refusals and the state changes (enrolled, revoked) logged at info.
  await app.register(async (logged) => {
    logged.addHook('onResponse', (req, reply, done) => {
      req.log.debug({ method: req.method, path: pathOf(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime), ip: req.ip }, 'request');
      done();
    });
    await logged.register(enrollmentsRoutes);
    await logged.register(challengesRoutes);
    await logged.register(signInRoutes);
    await logged.register(attestationsRoutes);
    await logged.register(devicesRoutes);
    await logged.register(eventsRoutes);
  });
  return app;
}
