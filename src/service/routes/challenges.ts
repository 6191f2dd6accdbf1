/** POST /v1/challenges: a fresh single-use nonce (≤ 60 s) for the next evidence. */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ChallengeResponseSchema } from '../../shared/api.js';
import { ProblemError } from '../problems.js';
import { RateLimiter } from '../rate-limit.js';

export const challengesRoutes = fp(
  async (app: FastifyInstance) => {
    const ctx = app.posture;
    const limiter = new RateLimiter(600, 60_000);
    app.post('/v1/challenges', { schema: { response: { 201: ChallengeResponseSchema } } }, async (req, reply) => {
      const now = ctx.now().getTime();
      if (!limiter.take(req.ip, now)) throw new ProblemError('rate-limited');
      const nonce = randomBytes(24).toString('base64url');
      const expiresAt = now + ctx.config.challengeTtlSeconds * 1000;
      await ctx.store.createNonce(nonce, expiresAt);
      return reply.code(201).send({ nonce, expires_at: new Date(expiresAt).toISOString() });
    });
  },
  { name: 'posture-challenges', dependencies: ['posture-errors'] },
);
