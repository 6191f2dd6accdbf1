/**
 * Property-based fuzzing (fast-check) of every service endpoint through Fastify inject,
 * against real SQLite and the example policy. Properties: never a 5xx; every 4xx is
 * problem+json with a type of ours and a matching status; nothing is accepted that
 * should not be (an attestation is stored only for intact, validly signed, schema-valid
 * evidence; /authz allows only the genuine token with a covering gateway key); the
 * process raises no uncaught error. Runs are bounded so the file stays well under 30 s.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, hashSecret } from '../../../src/service/api-keys.js';
import { PROBLEM_BASE } from '../../../src/service/problems.js';
import { CHECK_IDS, type CheckId } from '../../../src/shared/check-ids.js';
import { EvidenceClaimsSchema } from '../../../src/shared/evidence.js';
import { FACTS_SCHEMAS } from '../../../src/shared/facts/index.js';
import { startHarness, type Harness, type TestDevice } from '../../helpers/service-harness.js';
import { b64u, decodePart, enrollmentProof, signCompact } from './hostile-helpers.js';

const uncaught: unknown[] = [];
const onUncaught = (e: unknown): void => {
  uncaught.push(e);
};
beforeAll(() => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
});
afterAll(() => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  expect(uncaught).toEqual([]);
});

interface Res {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** The invariants every answer meets, whatever was sent. */
function assertWellFormed(res: Res, method: string, url: string): void {
  const where = `${method} ${url.slice(0, 120)} -> ${res.statusCode} ${res.body.slice(0, 200)}`;
  expect(res.statusCode, where).toBeLessThan(500);
  if (res.statusCode < 400) return;
  expect(String(res.headers['content-type']), where).toMatch(/^application\/problem\+json/);
  if (method === 'HEAD') return;
  const body = JSON.parse(res.body) as { type?: unknown; status?: unknown };
  expect(String(body.type), where).toMatch(new RegExp(`^${PROBLEM_BASE}[a-z-]+$`));
  expect(body.status, where).toBe(res.statusCode);
  if (res.statusCode === 401 && url.startsWith('/authz/')) expect(res.headers['www-authenticate'], where).toBeDefined();
}

const EAT = 'application/eat+jwt';
/** Multiplies every numRuns (e.g. POSTURE_FUZZ_SCALE=20 for a long soak); 1 keeps the file under 30 s. */
const SCALE = Math.max(1, Number(process.env.POSTURE_FUZZ_SCALE ?? 1) || 1);
const runs = (n: number): number => n * SCALE;
const ipArb = fc.ipV4();
const jsonArb = fc.jsonValue({ maxDepth: 4 });
/** Strings with characters that matter to parsers: quotes, dots, percent, slashes, unicode, NUL. */
const nastyString = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('', '.', '..', '%', '%00', '\u0000', '__proto__', 'constructor', '../../', 'A'.repeat(300)));

/** A random compact JWS: random (often plausible) header and payload, random signature bytes. */
function jwsArb(kids: string[]): fc.Arbitrary<string> {
  const header = fc.record(
    {
      alg: fc.oneof(fc.constantFrom('ES256', 'none', 'HS256', 'RS256', 'ES384', 'EdDSA'), nastyString),
      typ: fc.oneof(fc.constantFrom('eat+jwt', 'JWT', 'enroll-pop+jwt'), nastyString),
      kid: fc.oneof(fc.constantFrom(...kids), nastyString),
      jwk: jsonArb,
      crit: fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }),
      extra: jsonArb,
    },
    { requiredKeys: [] },
  );
  const part = (arb: fc.Arbitrary<unknown>): fc.Arbitrary<string> => fc.oneof(arb.map((v) => b64u(JSON.stringify(v) ?? 'null')), fc.string({ maxLength: 30 }), fc.base64String({ maxLength: 40 }));
  return fc.tuple(part(header), part(jsonArb), fc.uint8Array({ maxLength: 96 }).map((b) => b64u(b))).map((p) => p.join('.'));
}

describe('fuzzing every endpoint with random requests', () => {
  let h: Harness;
  let dev: TestDevice;
  let spare: TestDevice;
  let postureToken: string;

  beforeAll(async () => {
    h = await startHarness();
    dev = await h.enroll();
    spare = await h.enroll({ user: 'bob' });
    const res = await h.attest(dev);
    expect(res.statusCode).toBe(201);
    postureToken = (res.json() as { posture_token: string }).posture_token;
  });
  afterAll(async () => {
    await h.close();
  });

  it('never answers 5xx or a non-problem 4xx, and grants nothing without the right credential (500 runs)', async () => {
    const attestationsBefore = await h.store.countAttestations();
    const devicesBefore = (await h.store.listDevices()).length;
    const paths = ['/v1/enrollments', '/v1/challenges', '/v1/attestations', '/v1/devices', `/v1/devices/${dev.deviceId}`, `/v1/devices/${spare.deviceId}`, '/v1/devices/dev_AAAAAAAAAAAAAAAA', '/v1/sign-in/challenges', '/authz/v1/training-cluster/jobs', '/authz/v1/jupyter-hub', '/.well-known/jwks.json', '/healthz', '/readyz', '/metrics', '/v1/events/poll', '/'];
    const suffix = fc.oneof(fc.constant(''), nastyString.map((s) => `/${encodeURIComponent(s)}`), fc.stringMatching(/^[/.%a-zA-Z0-9?&=#_-]{0,30}$/), fc.constantFrom('?x=1', '/..', '%2f..%2f', '//', '/%ZZ'));
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
      path: fc.constantFrom(...paths),
      suffix,
      contentType: fc.oneof(fc.constantFrom(undefined, 'application/json', EAT, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', `${EAT}; charset=utf-8`), fc.string({ maxLength: 30 })),
      body: fc.oneof(fc.constant(undefined), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), jsonArb.map((v) => JSON.stringify(v)), jwsArb([dev.jkt]), fc.constant(postureToken)),
      apiKey: fc.constantFrom(undefined, 'gateway', 'admin', 'bogus', 'long'),
      bearer: fc.oneof(fc.constant(undefined), fc.constant(postureToken), jwsArb([dev.jkt]), fc.string({ maxLength: 40 })),
      headers: fc.dictionary(fc.oneof(fc.constantFrom('accept', 'x-forwarded-for', 'x-forwarded-uri', 'x-forwarded-method', 'x-forwarded-host', 'content-encoding', 'content-length', 'origin'), fc.stringMatching(/^x-[a-z0-9-]{1,20}$/)), fc.string({ maxLength: 40 }), { maxKeys: 4 }),
      ip: ipArb,
    });
    let done = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        done++;
        const url = `${r.path}${r.suffix}`;
        const headers: Record<string, string> = { ...r.headers };
        if (r.contentType !== undefined) headers['content-type'] = r.contentType;
        const key = { gateway: h.gatewayKey, admin: h.adminKey, bogus: 'pa_gw_000000000000_' + 'A'.repeat(43), long: 'k'.repeat(5_000), undefined: undefined }[String(r.apiKey)];
        if (key) headers['x-posture-api-key'] = key;
        if (r.bearer !== undefined) headers.authorization = `Bearer ${r.bearer}`;
        const res = await h.app.inject({ method: r.method as 'GET', url, headers, remoteAddress: r.ip, ...(r.body !== undefined && !['GET', 'HEAD'].includes(r.method) ? { payload: r.body } : {}) });
        assertWellFormed(res, r.method, url);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode < 300) {
          // The only successes a random request may get: public endpoints, a fresh challenge,
          // device reads/revocation with a key of the right scope, and the genuine posture token.
          const path = url.split(/[?#]/)[0] ?? '';
          const ok =
            (['GET', 'HEAD'].includes(r.method) && ['/.well-known/jwks.json', '/healthz', '/readyz', '/metrics'].includes(path)) ||
            (r.method === 'POST' && path === '/v1/challenges') ||
            (['GET', 'HEAD'].includes(r.method) && path === '/v1/devices' && r.apiKey === 'admin') ||
            (['GET', 'HEAD'].includes(r.method) && path.startsWith('/v1/devices/dev_') && (r.apiKey === 'admin' || r.apiKey === 'gateway')) ||
            (r.method === 'DELETE' && path.startsWith('/v1/devices/dev_') && r.apiKey === 'admin') ||
            (path.startsWith('/authz/v1/') && r.bearer === postureToken && (r.apiKey === 'admin' || r.apiKey === 'gateway'));
          expect(ok, `${r.method} ${url} (key ${String(r.apiKey)}) -> ${res.statusCode}`).toBe(true);
        }
      }),
      { numRuns: runs(500) },
    );
    if (process.env.POSTURE_FUZZ_STATS) console.log(Object.fromEntries(statuses));
    expect(done).toBe(runs(500));
    // Not vacuous: the random requests reached successes, auth failures, validation and routing.
    for (const s of [200, 400, 401, 403, 404]) expect(statuses.get(s) ?? 0, `status ${s}`).toBeGreaterThan(0);
    expect(await h.store.countAttestations()).toBe(attestationsBefore);
    expect((await h.store.listDevices()).length).toBe(devicesBefore);
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('stores no attestation for random bytes, random JSON or random JWS-shaped evidence (400 runs)', async () => {
    const before = await h.store.countAttestations();
    const body = fc.oneof(fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)), jsonArb.map((v) => JSON.stringify(v)), jwsArb([dev.jkt, spare.jkt]), nastyString);
    await fc.assert(
      fc.asyncProperty(body, ipArb, async (payload, ip) => {
        const res = await h.app.inject({ method: 'POST', url: '/v1/attestations', headers: { 'content-type': EAT }, payload, remoteAddress: ip });
        assertWellFormed(res, 'POST', '/v1/attestations');
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: runs(400) },
    );
    expect(await h.store.countAttestations()).toBe(before);
  });

  it('enrols nothing from random enrolment bodies and never spends a real code (300 runs)', async () => {
    const code = `enr_fuzz_${randomBytes(12).toString('hex')}`;
    await h.store.createEnrollmentCode({ hash: hashSecret(code), user: 'alice', groups: ['ml-platform'], createdAt: h.clock.now.getTime(), expiresAt: h.clock.now.getTime() + 3_600_000 });
    const devicesBefore = (await h.store.listDevices()).length;
    const proofForOtherCode = await enrollmentProof(h, `${code}x`, dev.privateKey);
    const body = fc.record(
      {
        code: fc.oneof(fc.constant(code), nastyString, jsonArb),
        jwk: fc.oneof(fc.constant(dev.publicJwk), fc.constant(spare.publicJwk), fc.record({ kty: fc.constantFrom('EC', 'OKP', 'RSA', 'oct'), crv: fc.constantFrom('P-256', 'P-384', 'Ed25519'), x: fc.base64String({ minLength: 40, maxLength: 48 }), y: fc.base64String({ minLength: 40, maxLength: 48 }), d: fc.string() }, { requiredKeys: [] }), jsonArb),
        proof: fc.oneof(fc.constant(proofForOtherCode), jwsArb([dev.jkt]), nastyString),
        platform: fc.oneof(fc.constantFrom('linux', 'darwin', 'win32'), nastyString),
        hostname: nastyString,
        extra: jsonArb,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(body, ipArb, async (payload, ip) => {
        const res = await h.app.inject({ method: 'POST', url: '/v1/enrollments', payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' }, remoteAddress: ip });
        assertWellFormed(res, 'POST', '/v1/enrollments');
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: runs(300) },
    );
    expect((await h.store.listDevices()).length).toBe(devicesBefore);
    // The real code was offered hundreds of times with wrong proofs and keys: it still works.
    const fresh = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const jwk = await crypto.subtle.exportKey('jwk', fresh.publicKey);
    const ok = await h.app.inject({ method: 'POST', url: '/v1/enrollments', remoteAddress: '192.0.2.200', payload: { code, jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, proof: await enrollmentProof(h, code, fresh.privateKey) } });
    expect(ok.statusCode).toBe(201);
  });
});

describe('fuzzing evidence and posture tokens derived from valid ones', () => {
  let h: Harness;
  let dev: TestDevice;
  let ipSeq = 0;
  const ip = (): string => `10.${(++ipSeq >> 16) & 255}.${(ipSeq >> 8) & 255}.${ipSeq & 255}`;
  /** A challenge from a fresh address, so the per-address challenge limit never interferes. */
  const challenge = async (): Promise<string> => (JSON.parse((await h.app.inject({ method: 'POST', url: '/v1/challenges', remoteAddress: ip() })).body) as { nonce: string }).nonce;
  const post = (payload: string) => h.app.inject({ method: 'POST', url: '/v1/attestations', headers: { 'content-type': EAT }, payload, remoteAddress: ip() });
  /**
   * True when `t` is a different spelling of the signature of `orig`: same header and payload
   * text, and a signature that decodes to the same bytes (base64url's unused trailing bits are
   * ignored by lenient decoders). The service accepts only the canonical spelling, so such a
   * token must be refused like any other mutant.
   */
  const sameBytesOtherSpelling = (t: string, orig: string): boolean => {
    const x = t.split('.');
    const y = orig.split('.');
    return t !== orig && x.length === 3 && x[0] === y[0] && x[1] === y[1] && Buffer.from(x[2] ?? '', 'base64url').equals(Buffer.from(y[2] ?? '', 'base64url'));
  };

  beforeAll(async () => {
    h = await startHarness();
    dev = await h.enroll();
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses every bit-flipped evidence token, even one that only respells the signature, and the intact token still works (300 runs)', async () => {
    const flip = fc.record({ part: fc.integer({ min: 0, max: 2 }), pos: fc.nat(), bit: fc.integer({ min: 0, max: 6 }) });
    let rejected = 0;
    let sameBytes = 0;
    await fc.assert(
      fc.asyncProperty(flip, async ({ part, pos, bit }) => {
        const token = await h.evidence(dev, { nonce: await challenge() });
        const parts = token.split('.');
        const p = parts[part] ?? '';
        const i = pos % p.length;
        parts[part] = p.slice(0, i) + String.fromCharCode(p.charCodeAt(i) ^ (1 << bit)) + p.slice(i + 1);
        const mutated = parts.join('.');
        const before = await h.store.countAttestations();
        const res = await post(mutated);
        assertWellFormed(res, 'POST', '/v1/attestations');
        // Every mutant is refused, including a non-canonical spelling of the same signature bytes.
        expect(res.statusCode, `${JSON.stringify({ part, pos, bit })} -> ${res.statusCode}`).not.toBe(201);
        if (sameBytesOtherSpelling(mutated, token)) sameBytes++;
        rejected++;
        expect(await h.store.countAttestations()).toBe(before);
        // The mutant spent nothing: the intact token is accepted afterwards.
        expect((await post(token)).statusCode).toBe(201);
      }),
      { numRuns: runs(300) },
    );
    if (process.env.POSTURE_FUZZ_STATS) console.log({ rejected, sameBytes });
    expect(rejected).toBe(runs(300));
  });

  it('rejects validly signed evidence whose merged random claims break the schema, and accepts it when they do not (300 runs)', async () => {
    const claimNames = ['eat_profile', 'iss', 'aud', 'iat', 'exp', 'jti', 'eat_nonce', 'swname', 'swversion', 'device', 'submods'];
    const harmless = ['swname', 'swversion', 'device', 'submods'];
    const merge = fc.record({
      top: fc.dictionary(fc.oneof(fc.constantFrom(...claimNames), fc.constantFrom('__proto__', 'constructor', 'cnf', 'ear_status'), fc.string({ maxLength: 12 })), jsonArb, { maxKeys: 2 }),
      check: fc.constantFrom(...CHECK_IDS),
      facts: fc.oneof(fc.constant(undefined), fc.constant({}), fc.dictionary(fc.string({ maxLength: 16 }), jsonArb, { maxKeys: 3 })),
      leaves: fc.array(fc.record({ at: fc.nat(), value: fc.oneof(fc.boolean(), fc.integer(), fc.double({ noNaN: true }), fc.string({ maxLength: 20 }), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.constant(null)) }), { maxLength: 3 }),
      status: fc.oneof(fc.constant(undefined), fc.constantFrom('pass', 'fail', 'unknown', 'unsupported', 'PASS', '')),
    });
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(merge, async (m) => {
        const original = decodePart(await h.evidence(dev, { nonce: await challenge() }), 1);
        const claims = JSON.parse(JSON.stringify(original)) as Record<string, unknown> & { submods: Record<string, { facts: Record<string, unknown>; status: string }> };
        const sub = claims.submods[m.check];
        if (sub) {
          if (m.facts !== undefined) sub.facts = m.facts;
          replaceLeaves(sub.facts, m.leaves);
          if (m.status !== undefined) sub.status = m.status;
        }
        const payload = JSON.stringify({ ...claims, ...m.top });
        const seen = JSON.parse(payload) as Record<string, unknown>;
        const before = await h.store.countAttestations();
        const res = await post(await signCompact({ alg: 'ES256', typ: 'eat+jwt', kid: dev.jkt }, payload, dev.privateKey));
        assertWellFormed(res, 'POST', '/v1/attestations');
        const schemaValid = claimsValid(seen);
        const securityClaimsIntact = Object.keys(m.top).every((k) => harmless.includes(k) || (claimNames.includes(k) && JSON.stringify(seen[k]) === JSON.stringify(original[k])));
        if (res.statusCode === 201) {
          accepted++;
          expect(schemaValid && securityClaimsIntact, payload.slice(0, 300)).toBe(true);
          expect(await h.store.countAttestations()).toBe(before + 1);
        } else {
          refused++;
          expect(await h.store.countAttestations()).toBe(before);
          expect(schemaValid && securityClaimsIntact, `refused ${res.statusCode} ${res.body.slice(0, 200)} for ${payload.slice(0, 300)}`).toBe(false);
        }
      }),
      { numRuns: runs(300) },
    );
    if (process.env.POSTURE_FUZZ_STATS) console.log({ accepted, refused });
    expect(accepted).toBeGreaterThan(runs(10));
    expect(refused).toBeGreaterThan(runs(100));
  });

  it('allows at /authz only the genuine posture token with a covering gateway key (400 runs)', async () => {
    const res0 = await h.attest(dev);
    expect(res0.statusCode).toBe(201);
    const body0 = res0.json() as { posture_token: string; resources: Record<string, { decision: string }> };
    const token = body0.posture_token;
    const scoped = (await createApiKey(h.store, 'gateway', ['jupyter-hub'], h.clock.now.getTime())).secret;
    const keys = { gateway: h.gatewayKey, scoped, admin: h.adminKey, none: undefined, bogus: `${h.gatewayKey.slice(0, -1)}${h.gatewayKey.endsWith('A') ? 'B' : 'A'}` }; // never equal to the real key
    const flipArb = fc.option(fc.record({ part: fc.integer({ min: 0, max: 2 }), pos: fc.nat(), bit: fc.integer({ min: 0, max: 6 }) }), { nil: undefined });
    const resources = ['training-cluster', 'jupyter-hub', 'feature-store', 'data-lake', 'model-registry', 'unknown-thing'];
    const req = fc.record({
      method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
      resource: fc.oneof(fc.constantFrom(...resources), nastyString.map(encodeURIComponent)),
      rest: fc.stringMatching(/^[a-z0-9/._-]{0,20}$/),
      key: fc.constantFrom(...(Object.keys(keys) as (keyof typeof keys)[])),
      bearer: fc.oneof(fc.constant('genuine'), fc.constant('evidence'), jwsArb([dev.jkt])),
      flip: flipArb,
    });
    const evidence = await h.evidence(dev);
    await fc.assert(
      fc.asyncProperty(req, async (r) => {
        let bearer = r.bearer === 'genuine' ? token : r.bearer === 'evidence' ? evidence : r.bearer;
        if (r.flip && r.bearer === 'genuine') {
          const parts = bearer.split('.');
          const p = parts[r.flip.part] ?? '';
          const i = r.flip.pos % p.length;
          parts[r.flip.part] = p.slice(0, i) + String.fromCharCode(p.charCodeAt(i) ^ (1 << r.flip.bit)) + p.slice(i + 1);
          bearer = parts.join('.');
        }
        const headers: Record<string, string> = { authorization: `Bearer ${bearer}` };
        const key = keys[r.key];
        if (key) headers['x-posture-api-key'] = key;
        const url = `/authz/v1/${r.resource}/${r.rest}`;
        const res = await h.app.inject({ method: r.method as 'GET', url, headers });
        assertWellFormed(res, r.method, url);
        // Only the exact token is genuine: a non-canonical spelling of its signature is refused.
        const genuine = bearer === token;
        // inject parses the URL the WHATWG way (dot segments resolved), so decide on the path the router sees.
        const seen = routedResource(url);
        const covered = r.key === 'gateway' || r.key === 'admin' || (r.key === 'scoped' && seen === 'jupyter-hub');
        const expectAllow = genuine && covered && seen !== undefined && body0.resources[seen]?.decision === 'allow';
        expect(res.statusCode === 200, `${r.method} ${url} key=${r.key} bearer=${r.bearer} flip=${JSON.stringify(r.flip)} -> ${res.statusCode}`).toBe(expectAllow);
        if (res.statusCode === 200) expect(res.headers['x-posture-device']).toBe(dev.deviceId);
      }),
      { numRuns: runs(400) },
    );
  });
});

/** The schema contract the service enforces (the same schemas, used as an oracle). */
function claimsValid(claims: Record<string, unknown>): boolean {
  if (!Value.Check(EvidenceClaimsSchema, claims)) return false;
  return Object.entries(claims.submods as Record<string, { facts: Record<string, unknown> }>).every(
    ([id, s]) => (CHECK_IDS as readonly string[]).includes(id) && (Object.keys(s.facts).length === 0 || Value.Check(FACTS_SCHEMAS[id as CheckId], s.facts)),
  );
}

/** The `:resource` the router extracts from `url` after WHATWG normalisation, if it routes to /authz at all. */
function routedResource(url: string): string | undefined {
  const path = new URL(url, 'http://localhost').pathname;
  const m = /^\/authz\/v1\/([^/]+)(?:\/|$)/.exec(path);
  if (!m?.[1]) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
}

/** Replaces leaf values of `obj` (depth-first order, index modulo the leaf count). */
function replaceLeaves(obj: unknown, leaves: { at: number; value: unknown }[]): void {
  const slots: { holder: Record<string, unknown>; key: string }[] = [];
  const walk = (o: unknown): void => {
    if (o === null || typeof o !== 'object') return;
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      if (v !== null && typeof v === 'object') walk(v);
      else slots.push({ holder: o as Record<string, unknown>, key: k });
    }
  };
  walk(obj);
  if (slots.length === 0) return;
  for (const l of leaves) {
    const s = slots[l.at % slots.length];
    if (s) s.holder[s.key] = l.value;
  }
}
