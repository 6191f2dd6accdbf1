/** POST /v1/enrollments: a new device registers its key with a single-use code and proof of possession. */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { calculateJwkThumbprint, importJWK, jwtVerify, type CryptoKey } from 'jose';
import { EnrollmentRequestSchema, EnrollmentResponseSchema, ENROLL_POP_TYP, type EnrollmentRequest } from '../../shared/api.js';
import { ALG } from '../../shared/claims.js';
import { hashSecret } from '../api-keys.js';
import { ProblemError } from '../problems.js';
import { RateLimiter } from '../rate-limit.js';

export const enrollmentsRoutes = fp(
  async (app: FastifyInstance) => {
    const ctx = app.posture;
    // Codes are 128-bit random, so guessing is hopeless; the limit also keeps the logs clean.
    const limiter = new RateLimiter(10, 60_000);

    app.post<{ Body: EnrollmentRequest }>(
      '/v1/enrollments',
      { schema: { body: EnrollmentRequestSchema, response: { 201: EnrollmentResponseSchema } } },
      async (req, reply) => {
        const now = ctx.now();
        if (!limiter.take(req.ip, now.getTime())) throw new ProblemError('rate-limited', 'too many enrolment attempts from this address; wait a minute');
        const { code, jwk, proof } = req.body;
        const jkt = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, 'sha256');
        let key: CryptoKey;
        try {
          key = (await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, ALG)) as CryptoKey;
        } catch {
          throw new ProblemError('bad-request', 'jwk is not a valid P-256 public key');
        }
        const codeHash = hashSecret(code);
        try {
          const { payload } = await jwtVerify(proof, key, { algorithms: [ALG], typ: ENROLL_POP_TYP, audience: ctx.config.publicUrl, currentDate: now, maxTokenAge: '5m', clockTolerance: 60 });
          if (payload.code_hash !== codeHash) throw new Error('code_hash mismatch');
        } catch {
          ctx.metrics.enrollments.inc({ outcome: 'pop-invalid' });
          throw new ProblemError('proof-of-possession-invalid');
        }
        const result = await ctx.store.enrollDevice(codeHash, now.getTime(), {
          id: `dev_${randomBytes(12).toString('base64url')}`,
          jkt,
          publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
          enrolledAt: now.getTime(),
          ...(req.body.platform ? { platform: req.body.platform } : {}),
          ...(req.body.hostname ? { hostname: req.body.hostname } : {}),
        });
        if (result === 'code-invalid') {
          ctx.metrics.enrollments.inc({ outcome: 'code-invalid' });
          throw new ProblemError('enrollment-code-invalid');
        }
        if (result === 'key-in-use') throw new ProblemError('device-key-in-use');
        ctx.metrics.enrollments.inc({ outcome: 'enrolled' });
        req.log.info({ device: result.id, user: result.user }, 'device enrolled');
        return reply.code(201).send({ device_id: result.id, user: result.user, groups: result.groups, jkt, ...(ctx.mfa.hint ? { idp: ctx.mfa.hint } : {}) });
      },
    );
  },
  { name: 'posture-enrollments', dependencies: ['posture-errors'] },
);
