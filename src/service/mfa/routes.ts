/**
 * POST /v1/sign-in/challenges: a single-use evidence nonce for an OIDC sign-in. It lives
 * 10 minutes instead of a plain challenge's 60 s because a person signs in at the IdP
 * (password, second factor) between asking for it and the attestation that uses it. The
 * agent sends it as the OIDC `nonce`; the ID token then carries it, and the evidence that
 * presents the token uses it as `eat_nonce`, which binds the sign-in to that attestation.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { SignInChallengeResponseSchema } from '../../shared/api.js';
import { ProblemError } from '../problems.js';
import { RateLimiter } from '../rate-limit.js';

/** Lifetime of a sign-in challenge. */
export const SIGN_IN_CHALLENGE_TTL_S = 600;

export const signInRoutes = fp(
  async (app: FastifyInstance) => {
    const ctx = app.posture;
    const limiter = new RateLimiter(30, 60_000);
    app.post('/v1/sign-in/challenges', { schema: { response: { 201: SignInChallengeResponseSchema } } }, async (req, reply) => {
      const hint = ctx.mfa.hint;
      if (!hint) throw new ProblemError('not-found', 'this posture service has no identity provider configured, so there is nothing to sign in to');
      const now = ctx.now().getTime();
      if (!limiter.take(req.ip, now)) throw new ProblemError('rate-limited');
      const nonce = randomBytes(24).toString('base64url');
      const expiresAt = now + SIGN_IN_CHALLENGE_TTL_S * 1000;
      await ctx.store.createNonce(nonce, expiresAt);
      return reply.code(201).send({ nonce, expires_at: new Date(expiresAt).toISOString(), idp: hint });
    });
  },
  { name: 'posture-sign-in', dependencies: ['posture-errors'] },
);
