/** JWKS, liveness, readiness and Prometheus metrics. */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { problem } from '../problems.js';

export const opsRoutes = fp(
  async (app: FastifyInstance) => {
    const ctx = app.posture;
    app.get('/.well-known/jwks.json', async (_req, reply) => reply.header('cache-control', 'public, max-age=300').send(ctx.keys.jwks()));
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async (_req, reply) => {
      const db = await ctx.store.ping().catch(() => false);
      if (!db) return reply.code(503).type('application/problem+json').send(problem('unavailable', 'the database does not answer'));
      return { status: 'ready', store: ctx.store.kind, resources: ctx.policy().resourceNames().length };
    });
    app.get('/metrics', async (_req, reply) => reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics()));
  },
  { name: 'posture-ops', dependencies: ['posture-errors'] },
);
