/**
 * ANY /authz/v1/:resource/* — the forward-auth decision for nginx `auth_request`, Envoy
 * `ext_authz` (HTTP), Traefik ForwardAuth and Caddy `forward_auth`. The decision reads
 * the device's CURRENT state, so a revocation or regression denies the next request.
 * Any failure inside denies (fail closed).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { findApiKey, keyCoversResource } from '../api-keys.js';
import { currentDeviceState } from '../current-state.js';
import { verifyPostureToken } from '../posture-token.js';
import { problem, type ProblemCode } from '../problems.js';
import type { ApiKeyRecord } from '../store/types.js';
import { API_KEY_HEADER } from './auth.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
const KEY_CACHE_MS = 30_000;

export const authzRoutes = fp(
  async (app: FastifyInstance) => {
    const ctx = app.posture;
    const keyCache = new Map<string, { key: ApiKeyRecord | undefined; until: number }>();

    const gatewayKey = (raw: string | undefined, now: number): ApiKeyRecord | undefined | Promise<ApiKeyRecord | undefined> => {
      if (!raw || raw.length > 200) return undefined; // no valid key is longer; never cache attacker-sized strings
      const hit = keyCache.get(raw);
      if (hit && hit.until > now) return hit.key;
      return findApiKey(ctx.store, raw).then((key) => {
        if (keyCache.size > 10_000) keyCache.clear();
        keyCache.set(raw, { key, until: now + KEY_CACHE_MS });
        return key;
      });
    };
    // One labelled counter child per resource: prom-client hashes label sets on every inc().
    const allowCounters = new Map<string, { inc: () => void }>();
    const countAllow = (resource: string): void => {
      let c = allowCounters.get(resource);
      if (!c) {
        c = ctx.metrics.authz.labels(resource, 'allow');
        allowCounters.set(resource, c);
      }
      c.inc();
    };

    const header = (req: FastifyRequest, name: string): string | undefined => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    const deny = (req: FastifyRequest, reply: FastifyReply, resource: string, code: ProblemCode, detail?: string, extra: Record<string, unknown> = {}, deviceId?: string): FastifyReply => {
      // Only policy resources become metric labels and event fields: the path is attacker-controlled.
      const known = ctx.policy().hasResource(resource) ? resource : '(unknown)';
      ctx.metrics.authz.inc({ resource: known, decision: code });
      const body = problem(code, detail, extra);
      const method = header(req, 'x-forwarded-method') ?? header(req, 'x-original-method');
      const host = header(req, 'x-forwarded-host');
      const uri = header(req, 'x-forwarded-uri') ?? header(req, 'x-original-uri');
      ctx.denials.record({
        resource: known,
        status: body.status,
        problem: code,
        ...(Array.isArray(extra.reasons) ? { reasons: extra.reasons as string[] } : {}),
        ...(deviceId ? { deviceId } : {}),
        ...(method ? { method } : {}),
        ...(host ? { host } : {}),
        ...(uri ? { uri } : {}),
        clientIp: req.ip,
        at: ctx.now().getTime(),
      });
      // Gateways that cannot pass the body on (nginx auth_request) can pass these headers.
      void reply.header('x-posture-problem', code);
      const reasons = extra.reasons;
      if (Array.isArray(reasons) && reasons.length > 0) void reply.header('x-posture-reasons', reasons.join(',').slice(0, 1024));
      if (body.status === 401) void reply.header('www-authenticate', `Bearer realm="posture", error="invalid_token", error_description="${code}"`);
      return reply.code(body.status === 401 ? 401 : 403).type('application/problem+json').send(body);
    };

    const decide = async (req: FastifyRequest<{ Params: { resource: string } }>, reply: FastifyReply): Promise<FastifyReply> => {
      const resource = req.params.resource;
      const nowDate = ctx.now();
      const now = nowDate.getTime();
      if (ctx.config.requireGatewayKey) {
        const raw = req.headers[API_KEY_HEADER];
        const found = gatewayKey(typeof raw === 'string' ? raw : undefined, now);
        const key = found instanceof Promise ? await found : found;
        if (!key || !keyCoversResource(key, resource)) return deny(req, reply, resource, 'forbidden', 'the gateway is not allowed to ask about this resource');
      }
      const policy = ctx.policy();
      if (!policy.hasResource(resource)) return deny(req, reply, resource, 'resource-unknown', `resource "${resource.slice(0, 64)}" is not in the policy`);
      const auth = req.headers.authorization;
      // RFC 6750: the scheme name is case-insensitive. The token's characters are checked
      // by verifyPostureToken on a cache miss; a hit is an exact match of a verified token.
      const token = auth && auth.length > 7 && auth.length < 16_384 && auth.slice(0, 7).toLowerCase() === 'bearer ' ? auth.slice(7) : undefined;
      if (!token) return deny(req, reply, resource, 'posture-token-invalid', 'present the posture token as Authorization: Bearer');
      let cached = ctx.tokens.get(token, now);
      if (!cached) {
        const claims = await verifyPostureToken(ctx.keys, token, { issuer: ctx.config.publicUrl, now: nowDate });
        if (!claims) return deny(req, reply, resource, 'posture-token-invalid');
        cached = { deviceId: claims.sub, jkt: claims.cnf.jkt, expMs: claims.exp * 1000 };
        ctx.tokens.set(token, cached, now);
      }
      // Fast path: the cached state was reached under the current policy (no await).
      const peeked = ctx.devices.peek(cached.deviceId);
      const { device, state } = peeked?.state?.policyRevision === policy.revision ? peeked : await currentDeviceState(ctx, cached.deviceId);
      if (!device || device.jkt !== cached.jkt) return deny(req, reply, resource, 'posture-token-invalid');
      if (device.revokedAt !== undefined) return deny(req, reply, resource, 'device-revoked', undefined, {}, device.id);
      if (!state || state.freshUntil <= now) return deny(req, reply, resource, 'posture-stale', 'attest again: the last attestation is too old', {}, device.id);
      const verdict = state.resources[resource];
      if (!verdict || verdict.decision !== 'allow') {
        return deny(req, reply, resource, 'posture-noncompliant', verdict?.message ?? 'no verdict for this resource', { reasons: verdict?.reasons ?? ['resource.no_verdict'] }, device.id);
      }
      countAllow(resource);
      return reply
        .code(200)
        .header('x-posture-device', device.id)
        .header('x-posture-user', device.user)
        .header('x-posture-status', state.earStatus)
        .send();
    };

    const handler = async (req: FastifyRequest<{ Params: { resource: string } }>, reply: FastifyReply): Promise<FastifyReply> => {
      try {
        return await decide(req, reply);
      } catch (e) {
        req.log.error({ err: e }, 'authz failed: denying');
        return deny(req, reply, req.params.resource ?? '?', 'forbidden', 'the decision failed; denied (fail closed)');
      }
    };
    app.route({ method: [...METHODS], url: '/authz/v1/:resource', handler });
    app.route({ method: [...METHODS], url: '/authz/v1/:resource/*', handler });
  },
  { name: 'posture-authz', dependencies: ['posture-errors'] },
);
