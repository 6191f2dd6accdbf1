/** The posture service API as the agent uses it. Every answer is validated before use. */
import { createHash } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import { SignJWT } from 'jose';
import {
  AttestationResponseSchema,
  ChallengeResponseSchema,
  ENROLL_POP_TYP,
  EnrollmentResponseSchema,
  type AttestationResponse,
  type ChallengeResponse,
  type EnrollmentResponse,
} from '../../shared/api.js';
import { ALG, EAT_JWT_MEDIA_TYPE } from '../../shared/claims.js';
import { PostureError } from '../../shared/errors.js';
import type { TSchema, Static } from '@sinclair/typebox';
import type { DeviceKey } from '../identity/device-key.js';

export interface ServiceClient {
  enroll(code: string, key: DeviceKey, info: { platform: string; hostname: string }): Promise<EnrollmentResponse>;
  challenge(): Promise<ChallengeResponse>;
  attest(evidence: string): Promise<AttestationResponse>;
}

/** A client for `baseUrl` (no trailing slash); requests time out after `timeoutMs`. */
export function createServiceClient(baseUrl: string, opts: { timeoutMs?: number } = {}): ServiceClient {
  const url = normaliseServiceUrl(baseUrl);
  const timeoutMs = opts.timeoutMs ?? 15_000;

  async function call<S extends TSchema>(path: string, init: RequestInit, schema: S, okStatus: number): Promise<Static<S>> {
    let res: Response;
    try {
      res = await fetch(`${url}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      throw new PostureError('SERVICE_UNREACHABLE', `cannot reach the posture service at ${url} (${cause})`);
    }
    const text = await res.text();
    if (res.status !== okStatus) {
      let detail = `HTTP ${res.status}`;
      try {
        const p = JSON.parse(text) as { title?: string; detail?: string; type?: string };
        detail = `${p.title ?? detail}${p.detail && p.detail !== p.title ? `: ${p.detail}` : ''}`;
      } catch {
        // not problem+json
      }
      throw new PostureError(res.status >= 500 ? 'SERVICE_UNREACHABLE' : 'SERVICE_REJECTED', `the posture service refused: ${detail}`.slice(0, 500));
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new PostureError('SERVICE_REJECTED', 'the posture service answered with invalid JSON');
    }
    if (!Value.Check(schema, body)) throw new PostureError('SERVICE_REJECTED', `unexpected answer from the posture service for ${path}`);
    return body;
  }

  return {
    async enroll(code, key, info) {
      const codeHash = createHash('sha256').update(code, 'utf8').digest('hex');
      const proof = await new SignJWT({ code_hash: codeHash }).setProtectedHeader({ alg: ALG, typ: ENROLL_POP_TYP }).setIssuedAt().setAudience(url).sign(key.privateKey);
      const { kty, crv, x, y } = key.publicJwk;
      return call('/v1/enrollments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, jwk: { kty, crv, x, y }, proof, platform: info.platform, hostname: info.hostname.slice(0, 255) }) }, EnrollmentResponseSchema, 201);
    },
    challenge: () => call('/v1/challenges', { method: 'POST' }, ChallengeResponseSchema, 201),
    attest: (evidence) => call('/v1/attestations', { method: 'POST', headers: { 'content-type': EAT_JWT_MEDIA_TYPE }, body: evidence }, AttestationResponseSchema, 201),
  };
}

/**
 * Validates a service URL: https, or http only to a loopback address (a posture token
 * is a bearer credential). @throws PostureError USAGE
 */
export function normaliseServiceUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new PostureError('USAGE', `not a URL: ${raw}`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) || u.hostname.startsWith('127.');
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) throw new PostureError('USAGE', 'the service URL must be https (plain http only to a loopback address)');
  if (u.username || u.password || u.search || u.hash) throw new PostureError('USAGE', 'the service URL must not carry credentials, a query or a fragment');
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}
