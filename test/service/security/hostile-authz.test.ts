/**
 * Hostile forward-auth requests at ANY /authz/v1/:resource[/*]: forged, expired and
 * foreign posture tokens, evidence presented as a posture token, missing or mis-scoped
 * gateway keys, and resource-path tricks. Every deny is asserted exactly (401 with
 * WWW-Authenticate or 403 problem+json) and must leave the store untouched.
 */
import { generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../src/service/api-keys.js';
import type { ProblemCode } from '../../../src/service/problems.js';
import { EVIDENCE_PROFILE } from '../../../src/shared/claims.js';
import { startHarness, type Harness, type TestDevice } from '../../helpers/service-harness.js';
import { decodePart, expectProblem, serviceSigningKey, signCompact, snapshot } from './hostile-helpers.js';

let h: Harness;
let dev: TestDevice;
let token: string;
let claims: Record<string, unknown>;
let service: { kid: string; privateKey: CryptoKey };

beforeAll(async () => {
  h = await startHarness();
  dev = await h.enroll();
  const res = await h.attest(dev);
  expect(res.statusCode).toBe(201);
  token = (res.json() as { posture_token: string }).posture_token;
  claims = decodePart(token, 1);
  service = await serviceSigningKey(h);
});
afterAll(async () => {
  await h.close();
});

function authz(path: string, opts: { token?: string; gatewayKey?: string | null; method?: 'GET' | 'POST' | 'HEAD' | 'DELETE' } = {}) {
  const headers: Record<string, string> = {};
  const bearer = opts.token ?? token;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const key = opts.gatewayKey === undefined ? h.gatewayKey : opts.gatewayKey;
  if (key !== null) headers['x-posture-api-key'] = key;
  return h.app.inject({ method: opts.method ?? 'GET', url: path, headers });
}

/** Signs result claims (the real ones with `overrides`) with `key`, as the service would. */
async function resultToken(overrides: Record<string, unknown>, key: { kid: string; privateKey: CryptoKey } = service, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ ...claims, ...overrides } as JWTPayload).setProtectedHeader({ alg: 'ES256', typ: 'eat+jwt', kid: key.kid, ...header } as { alg: string }).sign(key.privateKey);
}

async function expectDeny(res: Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>, status: 400 | 401 | 403 | 404, code: ProblemCode): Promise<void> {
  const before = await snapshot(h, [dev.deviceId]);
  const r = await res;
  expectProblem(r, status, code);
  if (status === 401) expect(String(r.headers['www-authenticate'])).toMatch(/^Bearer realm="posture", error="invalid_token"/);
  expect(r.headers['x-posture-device']).toBeUndefined();
  expect(await snapshot(h, [dev.deviceId])).toEqual(before);
}

describe('hostile posture tokens at /authz', () => {
  it('allows the genuine token (the control)', async () => {
    const res = await authz('/authz/v1/training-cluster/jobs');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-posture-device']).toBe(dev.deviceId);
  });

  it('allows a token re-signed with the real service key (the control for forged tokens)', async () => {
    expect((await authz('/authz/v1/training-cluster/', { token: await resultToken({ jti: 'control-jti-0123456789' }) })).statusCode).toBe(200);
  });

  it('denies a token signed by a random key under the service kid (401)', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    await expectDeny(authz('/authz/v1/training-cluster/', { token: await resultToken({}, { kid: service.kid, privateKey }) }), 401, 'posture-token-invalid');
  });

  it('denies a token whose signature bytes were altered (401)', async () => {
    const [a, b, c] = token.split('.') as [string, string, string];
    const sig = Buffer.from(c, 'base64url');
    sig[10] = (sig[10] ?? 0) ^ 0x01;
    await expectDeny(authz('/authz/v1/training-cluster/', { token: `${a}.${b}.${sig.toString('base64url')}` }), 401, 'posture-token-invalid');
  });

  it('denies an expired posture token signed by the service (401)', async () => {
    const now = Math.floor(h.clock.now.getTime() / 1000);
    await expectDeny(authz('/authz/v1/training-cluster/', { token: await resultToken({ iat: now - 700, exp: now - 100 }) }), 401, 'posture-token-invalid');
  });

  it('denies the genuine token once the clock passes its exp, even after it was cached (401)', async () => {
    expect((await authz('/authz/v1/jupyter-hub/')).statusCode).toBe(200);
    const start = h.clock.now;
    h.clock.now = new Date(((claims.exp as number) + 1) * 1000);
    try {
      await expectDeny(authz('/authz/v1/jupyter-hub/'), 401, 'posture-token-invalid');
    } finally {
      h.clock.now = start;
    }
  });

  it('denies a token for another audience (401)', async () => {
    await expectDeny(authz('/authz/v1/training-cluster/', { token: await resultToken({ aud: 'https://other-posture.example' }) }), 401, 'posture-token-invalid');
  });

  it('denies a token from another issuer (401)', async () => {
    await expectDeny(authz('/authz/v1/training-cluster/', { token: await resultToken({ iss: 'https://other-posture.example' }) }), 401, 'posture-token-invalid');
  });

  it('denies a service-signed token with the evidence profile (401)', async () => {
    await expectDeny(authz('/authz/v1/training-cluster/', { token: await resultToken({ eat_profile: EVIDENCE_PROFILE }) }), 401, 'posture-token-invalid');
  });

  it('denies a service-signed token bound to another key (cnf.jkt) (401)', async () => {
    await expectDeny(authz('/authz/v1/training-cluster/', { token: await resultToken({ cnf: { jkt: 'A'.repeat(43) } }) }), 401, 'posture-token-invalid');
  });

  it('denies a service-signed token with typ JWT (401)', async () => {
    await expectDeny(authz('/authz/v1/training-cluster/', { token: await resultToken({}, service, { typ: 'JWT' }) }), 401, 'posture-token-invalid');
  });

  it('denies an unsigned token (alg none) (401)', async () => {
    const head = Buffer.from(JSON.stringify({ alg: 'none', typ: 'eat+jwt', kid: service.kid })).toString('base64url');
    await expectDeny(authz('/authz/v1/training-cluster/', { token: `${head}.${token.split('.')[1]}.` }), 401, 'posture-token-invalid');
  });

  it('denies evidence presented as a posture token (401)', async () => {
    await expectDeny(authz('/authz/v1/training-cluster/', { token: await h.evidence(dev) }), 401, 'posture-token-invalid');
  });

  it('denies evidence re-signed by the device under the service kid (401)', async () => {
    const evidence = decodePart(await h.evidence(dev), 1);
    await expectDeny(authz('/authz/v1/training-cluster/', { token: await signCompact({ alg: 'ES256', typ: 'eat+jwt', kid: service.kid }, evidence, dev.privateKey) }), 401, 'posture-token-invalid');
  });

  it('denies a missing, non-Bearer or oversized Authorization header (401)', async () => {
    await expectDeny(h.app.inject({ method: 'GET', url: '/authz/v1/training-cluster/', headers: { 'x-posture-api-key': h.gatewayKey } }), 401, 'posture-token-invalid');
    await expectDeny(h.app.inject({ method: 'GET', url: '/authz/v1/training-cluster/', headers: { 'x-posture-api-key': h.gatewayKey, authorization: `Basic ${token}` } }), 401, 'posture-token-invalid');
    await expectDeny(h.app.inject({ method: 'GET', url: '/authz/v1/training-cluster/', headers: { 'x-posture-api-key': h.gatewayKey, authorization: `Bearer ${'A'.repeat(20_000)}` } }), 401, 'posture-token-invalid');
  });
});

describe('gateway keys and resource paths at /authz', () => {
  it('denies a request without a gateway key (403 forbidden)', async () => {
    await expectDeny(authz('/authz/v1/training-cluster/', { gatewayKey: null }), 403, 'forbidden');
  });

  it('denies a malformed or unknown gateway key (403 forbidden)', async () => {
    await expectDeny(authz('/authz/v1/training-cluster/', { gatewayKey: 'pa_gw_000000000000_' + 'A'.repeat(43) }), 403, 'forbidden');
    await expectDeny(authz('/authz/v1/training-cluster/', { gatewayKey: `${h.gatewayKey}x` }), 403, 'forbidden');
  });

  it('denies a gateway key scoped to another resource, and allows it on its own (403 forbidden)', async () => {
    const scoped = (await createApiKey(h.store, 'gateway', ['jupyter-hub'], h.clock.now.getTime())).secret;
    await expectDeny(authz('/authz/v1/training-cluster/', { gatewayKey: scoped }), 403, 'forbidden');
    expect((await authz('/authz/v1/jupyter-hub/', { gatewayKey: scoped })).statusCode).toBe(200);
  });

  it('treats /authz/v1/..%2f..%2fadmin as an unknown resource (403)', async () => {
    await expectDeny(authz('/authz/v1/..%2f..%2fadmin'), 403, 'resource-unknown');
  });

  it('does not let an encoded slash smuggle another resource behind an allowed one (403)', async () => {
    const scoped = (await createApiKey(h.store, 'gateway', ['jupyter-hub'], h.clock.now.getTime())).secret;
    await expectDeny(authz('/authz/v1/jupyter-hub%2f..%2ftraining-cluster', { gatewayKey: scoped }), 403, 'forbidden');
    await expectDeny(authz('/authz/v1/jupyter-hub%2f..%2ftraining-cluster'), 403, 'resource-unknown');
  });

  it('treats dot segments and case variants as unknown resources (403)', async () => {
    await expectDeny(authz('/authz/v1/../v1/devices'), 403, 'resource-unknown');
    await expectDeny(authz('/authz/v1/Training-Cluster/'), 403, 'resource-unknown');
    await expectDeny(authz('/authz/v1/training-cluster%00/'), 403, 'resource-unknown');
  });

  it('answers encoded dot segments with a 404 problem (the URL parser resolves them first)', async () => {
    // WHATWG URL parsing turns %2e%2e into "..", so this asks for /authz/training-cluster: no route.
    await expectDeny(authz('/authz/v1/%2e%2e/training-cluster'), 404, 'not-found');
  });

  it('denies resource names longer than the router accepts with a 400 problem, never an allow', async () => {
    const res = await authz(`/authz/v1/${'a'.repeat(10_000)}/x`);
    expectProblem(res, 400, 'bad-request');
    expect(res.headers['x-posture-device']).toBeUndefined();
    expect(res.body.length).toBeLessThan(1_000);
  });

  it('denies a broken %-escape in the resource with a 400 problem', async () => {
    await expectDeny(authz('/authz/v1/%ZZ/x'), 400, 'bad-request');
  });

  it('denies a 100-character unknown resource (403), echoing at most 64 characters of it', async () => {
    const res = await authz(`/authz/v1/${'b'.repeat(100)}`);
    expectProblem(res, 403, 'resource-unknown');
    expect(res.body).not.toContain('b'.repeat(65));
  });

  it('does not turn made-up resource names from unauthenticated callers into metric series', async () => {
    for (let i = 0; i < 50; i++) await expectDeny(authz(`/authz/v1/made-up-${i}`, { gatewayKey: null }), 403, 'forbidden');
    const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).not.toContain('made-up-');
    expect(metrics).toContain('resource="(unknown)"');
  });

  it('answers HEAD and POST like GET', async () => {
    expect((await authz('/authz/v1/training-cluster/x', { method: 'HEAD' })).statusCode).toBe(200);
    expect((await authz('/authz/v1/training-cluster/x', { method: 'POST' })).statusCode).toBe(200);
    await expectDeny(authz('/authz/v1/training-cluster/x', { method: 'DELETE', gatewayKey: null }), 403, 'forbidden');
  });

  it('denies a revoked device at once (403 device-revoked)', async () => {
    const victim = await h.enroll({ user: 'carol' });
    const t = ((await h.attest(victim)).json() as { posture_token: string }).posture_token;
    expect((await authz('/authz/v1/jupyter-hub/', { token: t })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/devices/${victim.deviceId}`, headers: { 'x-posture-api-key': h.adminKey } })).statusCode).toBe(204);
    await expectDeny(authz('/authz/v1/jupyter-hub/', { token: t }), 403, 'device-revoked');
  });
});
