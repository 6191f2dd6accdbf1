/** API-key authentication for admin and gateway routes. */
import type { FastifyRequest } from 'fastify';
import { findApiKey } from '../api-keys.js';
import type { PostureContext } from '../app-types.js';
import { ProblemError } from '../problems.js';
import type { ApiKeyRecord } from '../store/types.js';

/** Header gateways and admins send their API key in (Authorization carries the device's token on /authz). */
export const API_KEY_HEADER = 'x-posture-api-key';

/** The caller's key with one of `scopes`, or a 401/403 problem. */
export async function requireApiKey(ctx: PostureContext, req: FastifyRequest, scopes: ApiKeyRecord['scope'][]): Promise<ApiKeyRecord> {
  const raw = req.headers[API_KEY_HEADER];
  const key = await findApiKey(ctx.store, typeof raw === 'string' ? raw : undefined);
  if (!key) throw new ProblemError('unauthorized', `send a valid API key in ${API_KEY_HEADER}`);
  if (!scopes.includes(key.scope)) throw new ProblemError('forbidden', `this key's scope (${key.scope}) may not use this route`);
  return key;
}
