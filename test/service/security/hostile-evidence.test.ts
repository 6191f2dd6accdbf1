/**
 * A hostile-input corpus against the real service (real SQLite, real keys, the example
 * policy, Fastify inject). Every case asserts the exact status, the exact problem type
 * and that nothing the request could have written changed: attestation count, device
 * states, events and the device list.
 */
import { generateKeyPair, exportJWK, exportSPKI, calculateJwkThumbprint, SignJWT, UnsecuredJWT, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProblemCode } from '../../../src/service/problems.js';
import { RESULT_PROFILE } from '../../../src/shared/claims.js';
import { startHarness, type Harness, type TestDevice } from '../../helpers/service-harness.js';
import { b64u, decodePart, expectProblem, signCompact, snapshot } from './hostile-helpers.js';

const EAT = 'application/eat+jwt';

interface EvidenceCase {
  name: string;
  /** The request body (and its content type, EAT by default; null sends none). */
  body: () => Promise<string | Buffer>;
  contentType?: string | null;
  status: number;
  code: ProblemCode;
}

describe('hostile evidence at POST /v1/attestations', () => {
  let h: Harness;
  let victim: TestDevice;
  let other: TestDevice;
  let revoked: TestDevice;
  let postureToken: string;
  const nowS = (): number => Math.floor(h.clock.now.getTime() / 1000);
  /** Valid claims (fresh nonce and jti) for the victim, as a mutable object. */
  const validClaims = async (): Promise<Record<string, unknown>> => decodePart(await h.evidence(victim), 1);
  const victimHeader = (): Record<string, unknown> => ({ alg: 'ES256', typ: 'eat+jwt', kid: victim.jkt });
  /** The victim's key signs exactly this header and payload. */
  const signedByVictim = async (payload: object | string, header: object = victimHeader()): Promise<string> => signCompact(header, payload, victim.privateKey);
  const post = (body: string | Buffer, contentType: string | null = EAT) =>
    h.app.inject({ method: 'POST', url: '/v1/attestations', ...(contentType === null ? {} : { headers: { 'content-type': contentType } }), payload: body });
  const ids = (): string[] => [victim.deviceId, other.deviceId, revoked.deviceId];

  beforeAll(async () => {
    h = await startHarness();
    victim = await h.enroll();
    other = await h.enroll({ user: 'bob' });
    revoked = await h.enroll({ user: 'mallory' });
    const first = await h.attest(victim);
    expect(first.statusCode).toBe(201);
    postureToken = (first.json() as { posture_token: string }).posture_token;
    const del = await h.app.inject({ method: 'DELETE', url: `/v1/devices/${revoked.deviceId}`, headers: { 'x-posture-api-key': h.adminKey } });
    expect(del.statusCode).toBe(204);
  });
  afterAll(async () => {
    await h.close();
  });

  const withFactsJson = async (check: string, factsJson: string): Promise<string> => {
    const claims = await validClaims();
    const text = JSON.stringify(claims);
    const marker = `"${check}":{"status":"pass","facts":{`;
    expect(text).toContain(marker);
    return text.replace(marker, `${marker}${factsJson},`);
  };

  const cases: EvidenceCase[] = [
    // Algorithms and keys.
    { name: 'rejects an unsigned token (alg none, empty signature) as malformed', body: async () => new UnsecuredJWT(await validClaims()).encode(), status: 400, code: 'evidence-malformed' },
    { name: 'rejects alg none even with a non-empty signature part', body: async () => `${b64u(JSON.stringify({ alg: 'none', typ: 'eat+jwt', kid: victim.jkt }))}.${b64u(JSON.stringify(await validClaims()))}.AAAA`, status: 401, code: 'evidence-algorithm-rejected' },
    {
      name: 'rejects HS256 signed with the device public key (SPKI PEM) as the HMAC secret',
      body: async () => {
        const { importJWK } = await import('jose');
        const pem = await exportSPKI((await importJWK(victim.publicJwk, 'ES256')) as CryptoKey);
        return new SignJWT((await validClaims()) as JWTPayload).setProtectedHeader({ alg: 'HS256', typ: 'eat+jwt', kid: victim.jkt }).sign(new TextEncoder().encode(pem));
      },
      status: 401,
      code: 'evidence-algorithm-rejected',
    },
    {
      name: 'rejects HS256 signed with the device public JWK JSON as the HMAC secret',
      body: async () => new SignJWT((await validClaims()) as JWTPayload).setProtectedHeader({ alg: 'HS256', typ: 'eat+jwt', kid: victim.jkt }).sign(new TextEncoder().encode(JSON.stringify(victim.publicJwk))),
      status: 401,
      code: 'evidence-algorithm-rejected',
    },
    ...(['ES384', 'ES512', 'RS256', 'PS256', 'EdDSA', 'NONE', 'es256'] as const).map((alg): EvidenceCase => ({
      name: `rejects alg ${alg} in the header even with a valid ES256 signature`,
      body: async () => signedByVictim(await validClaims(), { ...victimHeader(), alg }),
      status: 401,
      code: 'evidence-algorithm-rejected',
    })),
    { name: 'rejects evidence signed by another device key under the victim kid', body: async () => signCompact(victimHeader(), await validClaims(), other.privateKey), status: 401, code: 'evidence-signature-invalid' },
    {
      name: 'rejects evidence whose kid no enrolled device holds',
      body: async () => {
        const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
        const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
        return signCompact({ alg: 'ES256', typ: 'eat+jwt', kid }, await validClaims(), privateKey);
      },
      status: 401,
      code: 'evidence-unknown-key',
    },
    { name: 'rejects a kid that is not a key thumbprint (path characters)', body: async () => signedByVictim(await validClaims(), { ...victimHeader(), kid: '../../../../etc/passwd' }), status: 401, code: 'evidence-unknown-key' },
    { name: 'rejects evidence without a kid', body: async () => signedByVictim(await validClaims(), { alg: 'ES256', typ: 'eat+jwt' }), status: 401, code: 'evidence-unknown-key' },
    { name: 'rejects a DER-encoded ECDSA signature', body: async () => derSigned(await validClaims(), victimHeader(), victim.privateKey), status: 401, code: 'evidence-signature-invalid' },
    { name: 'rejects evidence signed by a revoked device', body: async () => h.evidence(revoked), status: 403, code: 'device-revoked' },
    { name: 'rejects evidence whose iss names another device', body: async () => signedByVictim({ ...(await validClaims()), iss: other.deviceId }), status: 401, code: 'evidence-issuer-mismatch' },
    // Time.
    { name: 'rejects expired evidence (exp beyond the skew)', body: async () => signedByVictim({ ...(await validClaims()), iat: nowS() - 300, exp: nowS() - 200 }), status: 401, code: 'evidence-expired' },
    { name: 'rejects evidence issued in the future (iat beyond the skew)', body: async () => signedByVictim({ ...(await validClaims()), iat: nowS() + 300, exp: nowS() + 360 }), status: 401, code: 'evidence-expired' },
    { name: 'rejects evidence living longer than 120 s (exp - iat = 121)', body: async () => signedByVictim({ ...(await validClaims()), iat: nowS(), exp: nowS() + 121 }), status: 401, code: 'evidence-expired' },
    { name: 'rejects evidence with a non-numeric exp as not valid in time', body: async () => signedByVictim({ ...(await validClaims()), exp: 'never' }), status: 401, code: 'evidence-expired' },
    // Audience, type, profile.
    { name: 'rejects evidence for another audience', body: async () => signedByVictim({ ...(await validClaims()), aud: 'https://evil.example' }), status: 401, code: 'evidence-audience-mismatch' },
    { name: 'rejects an audience array even when it contains this service', body: async () => signedByVictim({ ...(await validClaims()), aud: [h.config.publicUrl, 'https://evil.example'] }), status: 400, code: 'evidence-claims-invalid' },
    { name: 'rejects typ JWT', body: async () => signedByVictim(await validClaims(), { ...victimHeader(), typ: 'JWT' }), status: 401, code: 'evidence-type-rejected' },
    { name: 'rejects a missing typ', body: async () => signedByVictim(await validClaims(), { alg: 'ES256', kid: victim.jkt }), status: 401, code: 'evidence-type-rejected' },
    { name: 'rejects typ application/eat+jwt (exact typ only)', body: async () => signedByVictim(await validClaims(), { ...victimHeader(), typ: 'application/eat+jwt' }), status: 401, code: 'evidence-type-rejected' },
    { name: 'rejects the attestation-result eat_profile in evidence', body: async () => signedByVictim({ ...(await validClaims()), eat_profile: RESULT_PROFILE }), status: 401, code: 'evidence-type-rejected' },
    { name: 'rejects a missing eat_profile', body: async () => signedByVictim({ ...(await validClaims()), eat_profile: undefined }), status: 401, code: 'evidence-type-rejected' },
    { name: 'rejects a posture token (attestation result) presented as evidence', body: async () => postureToken, status: 401, code: 'evidence-unknown-key' },
    // Schema.
    { name: 'rejects evidence without submods', body: async () => signedByVictim({ ...(await validClaims()), submods: undefined }), status: 400, code: 'evidence-claims-invalid' },
    { name: 'rejects an extra top-level claim', body: async () => signedByVictim({ ...(await validClaims()), is_admin: true }), status: 400, code: 'evidence-claims-invalid' },
    { name: 'rejects a submod with an unknown check id', body: async () => signedByVictim(setPath(await validClaims(), ['submods', 'usb_lock'], { status: 'pass', facts: {}, reasons: [], collected_at: h.clock.now.toISOString() })), status: 400, code: 'evidence-claims-invalid' },
    { name: 'rejects facts with an extra property', body: async () => signedByVictim(setPath(await validClaims(), ['submods', 'mdm', 'facts', 'trusted'], true)), status: 400, code: 'evidence-claims-invalid' },
    { name: 'rejects a __proto__ key inside facts', body: async () => signedByVictim(await withFactsJson('mdm', '"__proto__":{"enrolled":true,"polluted":1}')), status: 400, code: 'evidence-claims-invalid' },
    { name: 'rejects a constructor key inside facts', body: async () => signedByVictim(await withFactsJson('mdm', '"constructor":{"prototype":{"polluted":1}}')), status: 400, code: 'evidence-claims-invalid' },
    { name: 'rejects a __proto__ submod id', body: async () => signedByVictim(JSON.stringify(await validClaims()).replace('"submods":{', '"submods":{"__proto__":{"status":"pass","facts":{},"reasons":[],"collected_at":"2026-01-01T00:00:00Z"},')), status: 400, code: 'evidence-claims-invalid' },
    { name: 'rejects a __proto__ top-level claim', body: async () => signedByVictim(JSON.stringify(await validClaims()).replace(/^\{/, '{"__proto__":{"iss":"x"},')), status: 400, code: 'evidence-claims-invalid' },
    { name: 'rejects a payload that is a JSON array', body: async () => signedByVictim('[1,2,3]'), status: 400, code: 'evidence-malformed' },
    { name: 'rejects a payload that is not JSON', body: async () => signedByVictim('not json at all'), status: 400, code: 'evidence-malformed' },
    // Header parameters that would let the token choose its own key or semantics.
    ...(['jwk', 'jku', 'x5u', 'x5c', 'crit', 'b64', 'zip'] as const).map((param): EvidenceCase => ({
      name: `rejects an embedded "${param}" header parameter`,
      body: async () => signedByVictim(await validClaims(), { ...victimHeader(), [param]: headerValue(param, victim) }),
      status: 400,
      code: 'evidence-malformed',
    })),
    // Framing and size.
    { name: 'rejects a 10 MB body', body: async () => 'a'.repeat(10 * 1024 * 1024), status: 413, code: 'payload-too-large' },
    { name: 'rejects a 65 KB body', body: async () => `${await h.evidence(victim)}${'A'.repeat(65 * 1024)}`, status: 413, code: 'payload-too-large' },
    { name: 'rejects non-UTF-8 bytes', body: async () => Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x2e, 0xa0, 0xa1, 0x2e, 0xe2, 0x28, 0xa1]), status: 400, code: 'evidence-malformed' },
    {
      name: 'rejects a valid token with an invalid UTF-8 byte spliced into the payload',
      body: async () => {
        const t = await h.evidence(victim);
        const i = t.indexOf('.') + 5;
        return Buffer.concat([Buffer.from(t.slice(0, i)), Buffer.from([0xc3, 0x28]), Buffer.from(t.slice(i))]);
      },
      status: 400,
      code: 'evidence-malformed',
    },
    { name: 'rejects a truncated JWS with two parts', body: async () => (await h.evidence(victim)).split('.').slice(0, 2).join('.'), status: 400, code: 'evidence-malformed' },
    { name: 'rejects a JWS whose last character is cut off', body: async () => (await h.evidence(victim)).slice(0, -1), status: 400, code: 'evidence-malformed' },
    { name: 'rejects a JWS with four parts', body: async () => `${await h.evidence(victim)}.AAAA`, status: 400, code: 'evidence-malformed' },
    { name: 'rejects an empty body', body: async () => '', status: 400, code: 'evidence-malformed' },
    { name: 'rejects a JWS in JSON serialization', body: async () => JSON.stringify({ payload: 'e30', signatures: [] }), status: 400, code: 'evidence-malformed' },
    // Media type.
    { name: 'rejects evidence sent as application/json (a JSON string)', body: async () => JSON.stringify(await h.evidence(victim)), contentType: 'application/json', status: 415, code: 'unsupported-media-type' },
    { name: 'rejects evidence sent as text/plain', body: async () => h.evidence(victim), contentType: 'text/plain', status: 415, code: 'unsupported-media-type' },
    { name: 'rejects evidence sent as application/jwt', body: async () => h.evidence(victim), contentType: 'application/jwt', status: 415, code: 'unsupported-media-type' },
    { name: 'rejects evidence sent without a content type', body: async () => h.evidence(victim), contentType: null, status: 415, code: 'unsupported-media-type' },
    { name: 'rejects a look-alike media type (application/eat+jwtx)', body: async () => h.evidence(victim), contentType: 'application/eat+jwtx', status: 415, code: 'unsupported-media-type' },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const body = await c.body();
      const before = await snapshot(h, ids());
      const res = await post(body, c.contentType === undefined ? EAT : c.contentType);
      expectProblem(res, c.status, c.code);
      expect(await snapshot(h, ids())).toEqual(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it('accepts the untouched evidence (the control for every case above)', async () => {
    const before = await h.store.countAttestations(victim.deviceId);
    const res = await post(await h.evidence(victim));
    expect(res.statusCode).toBe(201);
    expect(await h.store.countAttestations(victim.deviceId)).toBe(before + 1);
  });

  it('accepts evidence re-signed by the raw signer (the control for re-signed cases)', async () => {
    const res = await post(await signedByVictim(await validClaims()));
    expect(res.statusCode).toBe(201);
  });

  it('rejects a second evidence with a used nonce (new jti) and keeps the state of the first', async () => {
    const nonce = await h.challenge();
    expect((await post(await h.evidence(victim, { nonce }))).statusCode).toBe(201);
    const before = await snapshot(h, ids());
    const res = await post(await h.evidence(victim, { nonce }));
    expectProblem(res, 401, 'evidence-nonce-invalid');
    expect(await snapshot(h, ids())).toEqual(before);
  });

  it('rejects the exact same token presented twice (its nonce is spent)', async () => {
    const token = await h.evidence(victim);
    expect((await post(token)).statusCode).toBe(201);
    const before = await snapshot(h, ids());
    expectProblem(await post(token), 401, 'evidence-nonce-invalid');
    expect(await snapshot(h, ids())).toEqual(before);
  });

  it('rejects a used jti under a fresh nonce as replayed, and leaves that nonce usable', async () => {
    const first = await validClaims();
    expect((await post(await signedByVictim(first))).statusCode).toBe(201);
    const nonce = await h.challenge();
    const before = await snapshot(h, ids());
    expectProblem(await post(await signedByVictim({ ...(await validClaims()), eat_nonce: nonce, jti: first.jti })), 401, 'evidence-replayed');
    expect(await snapshot(h, ids())).toEqual(before);
    // The replay rolled back, so the nonce was not burnt by it.
    expect((await post(await h.evidence(victim, { nonce }))).statusCode).toBe(201);
  });

  it('rejects a nonce the service never issued', async () => {
    const before = await snapshot(h, ids());
    expectProblem(await post(await h.evidence(victim, { nonce: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })), 401, 'evidence-nonce-invalid');
    expect(await snapshot(h, ids())).toEqual(before);
  });

  it('rejects a nonce older than its 60 s lifetime', async () => {
    const start = h.clock.now;
    const nonce = await h.challenge();
    h.clock.now = new Date(start.getTime() + 61_000);
    try {
      const before = await snapshot(h, ids());
      expectProblem(await post(await h.evidence(victim, { nonce })), 401, 'evidence-nonce-invalid');
      expect(await snapshot(h, ids())).toEqual(before);
    } finally {
      h.clock.now = start;
    }
  });

  it('rejects a nonce issued for one device when another device already spent it', async () => {
    const nonce = await h.challenge();
    expect((await post(await h.evidence(other, { nonce }))).statusCode).toBe(201);
    const before = await snapshot(h, ids());
    expectProblem(await post(await h.evidence(victim, { nonce })), 401, 'evidence-nonce-invalid');
    expect(await snapshot(h, ids())).toEqual(before);
  });
});

/** A value of the right general shape for each forbidden header parameter. */
function headerValue(param: string, dev: TestDevice): unknown {
  switch (param) {
    case 'jwk': return dev.publicJwk;
    case 'jku': return 'https://evil.example/jwks.json';
    case 'x5u': return 'https://evil.example/cert.pem';
    case 'x5c': return ['MIIB'];
    case 'crit': return ['exp'];
    case 'b64': return false;
    default: return 'DEF';
  }
}

/** Sets a nested property (creating objects on the way). */
function setPath(obj: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  let cur = obj;
  for (const k of path.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>;
  cur[path[path.length - 1] as string] = value;
  return obj;
}

/** Signs with ES256 but encodes the signature as ASN.1 DER (what OpenSSL emits), not r||s. */
async function derSigned(payload: object, header: object, key: CryptoKey): Promise<string> {
  const raw = await signCompact(header, payload, key);
  const [h, p, s] = raw.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  const int = (b: Buffer): Buffer => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.subarray(i);
    return (v[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v;
  };
  const r = int(sig.subarray(0, 32));
  const sv = int(sig.subarray(32));
  const seq = Buffer.concat([Buffer.from([0x02, r.length]), r, Buffer.from([0x02, sv.length]), sv]);
  return `${h}.${p}.${b64u(Buffer.concat([Buffer.from([0x30, seq.length]), seq]))}`;
}
