/**
 * Hostile enrolments at POST /v1/enrollments: code reuse and brute force, proofs of
 * possession by the wrong key, keys that are not P-256 public keys, poisoned and deeply
 * nested JSON, oversized bodies. Each case asserts the exact problem and that no device,
 * event or code was written or spent.
 */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../../src/service/api-keys.js';
import type { ProblemCode } from '../../../src/service/problems.js';
import { startHarness, type Harness } from '../../helpers/service-harness.js';
import { enrollmentProof, expectProblem, snapshot } from './hostile-helpers.js';

let h: Harness;
let codeSeq = 0;
/** Each test uses its own client address, so the per-address limit of one never touches another. */
let addressSeq = 0;
const nextAddress = (): string => `198.51.100.${++addressSeq}`;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** A fresh valid code for alice (expiring in an hour unless told). */
async function newCode(expiresInMs = 3_600_000): Promise<string> {
  const code = `enr_hostile_${++codeSeq}_${Math.random().toString(36).slice(2)}`;
  await h.store.createEnrollmentCode({ hash: hashSecret(code), user: 'alice', groups: ['ml-platform'], createdAt: h.clock.now.getTime(), expiresAt: h.clock.now.getTime() + expiresInMs });
  return code;
}

async function newKey(): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, jwk: await exportJWK(publicKey) };
}

/** A valid enrolment body for `code` (a fresh key unless given). */
async function validBody(code: string, key?: { privateKey: CryptoKey; jwk: JWK }): Promise<{ code: string; jwk: JWK; proof: string }> {
  const k = key ?? (await newKey());
  return { code, jwk: k.jwk, proof: await enrollmentProof(h, code, k.privateKey) };
}

function enrol(payload: unknown, remoteAddress: string, contentType = 'application/json') {
  return h.app.inject({ method: 'POST', url: '/v1/enrollments', remoteAddress, headers: { 'content-type': contentType }, payload: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload) });
}

/** Sends `payload`, asserts the problem and that nothing was written; returns whether the code is still usable. */
async function expectRefused(payload: unknown, status: number, code: ProblemCode, contentType?: string): Promise<void> {
  const before = await snapshot(h, []);
  expectProblem(await enrol(payload, nextAddress(), contentType), status, code);
  expect(await snapshot(h, [])).toEqual(before);
}

describe('hostile enrolments at POST /v1/enrollments', () => {
  it('enrols with a valid code, key and proof (the control)', async () => {
    const res = await enrol(await validBody(await newCode()), nextAddress());
    expect(res.statusCode).toBe(201);
  });

  it('refuses a second enrolment with the same code (403 enrollment-code-invalid)', async () => {
    const code = await newCode();
    expect((await enrol(await validBody(code), nextAddress())).statusCode).toBe(201);
    await expectRefused(await validBody(code), 403, 'enrollment-code-invalid');
  });

  it('refuses an expired code', async () => {
    const code = await newCode(1_000);
    h.clock.now = new Date(h.clock.now.getTime() + 2_000);
    await expectRefused(await validBody(code), 403, 'enrollment-code-invalid');
  });

  it('refuses a proof of possession signed by a different key than the submitted jwk, without spending the code', async () => {
    const code = await newCode();
    const submitted = await newKey();
    const attacker = await newKey();
    await expectRefused({ code, jwk: submitted.jwk, proof: await enrollmentProof(h, code, attacker.privateKey) }, 400, 'proof-of-possession-invalid');
    expect((await enrol(await validBody(code, submitted), nextAddress())).statusCode).toBe(201);
  });

  it('refuses a proof of possession over another code', async () => {
    const code = await newCode();
    const key = await newKey();
    await expectRefused({ code, jwk: key.jwk, proof: await enrollmentProof(h, `${code}-other`, key.privateKey) }, 400, 'proof-of-possession-invalid');
  });

  it('refuses a proof of possession for another audience', async () => {
    const code = await newCode();
    const key = await newKey();
    const proof = await new SignJWT({ code_hash: hashSecret(code) }).setProtectedHeader({ alg: 'ES256', typ: 'enroll-pop+jwt' }).setIssuedAt(Math.floor(h.clock.now.getTime() / 1000)).setAudience('https://evil.example').sign(key.privateKey);
    await expectRefused({ code, jwk: key.jwk, proof }, 400, 'proof-of-possession-invalid');
  });

  it('refuses an unsigned proof of possession (alg none)', async () => {
    const code = await newCode();
    const key = await newKey();
    const head = Buffer.from(JSON.stringify({ alg: 'none', typ: 'enroll-pop+jwt' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ code_hash: hashSecret(code), aud: h.config.publicUrl, iat: Math.floor(h.clock.now.getTime() / 1000) })).toString('base64url');
    await expectRefused({ code, jwk: key.jwk, proof: `${head}.${body}.` }, 400, 'proof-of-possession-invalid');
  });

  it('refuses a jwk carrying the private key (d) with 400', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const priv = await exportJWK(privateKey);
    const code = await newCode();
    await expectRefused({ code, jwk: priv, proof: await enrollmentProof(h, code, privateKey) }, 400, 'bad-request');
  });

  it('refuses a P-384 key with 400', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
    const code = await newCode();
    await expectRefused({ code, jwk: await exportJWK(publicKey), proof: await enrollmentProof(h, code, privateKey).catch(() => 'x'.repeat(32)) }, 400, 'bad-request');
  });

  it('refuses an Ed25519 (OKP) key with 400', async () => {
    const { publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    const code = await newCode();
    await expectRefused({ code, jwk: await exportJWK(publicKey), proof: 'x'.repeat(64) }, 400, 'bad-request');
  });

  it('refuses a P-256 jwk whose point is not on the curve with 400', async () => {
    const key = await newKey();
    const code = await newCode();
    const offCurve = { ...key.jwk, y: Buffer.alloc(32, 7).toString('base64url') };
    await expectRefused({ code, jwk: offCurve, proof: await enrollmentProof(h, code, key.privateKey) }, 400, 'bad-request');
  });

  it('refuses a __proto__ key in the body with 400', async () => {
    const body = JSON.stringify(await validBody(await newCode())).replace(/^\{/, '{"__proto__":{"admin":true},');
    await expectRefused(body, 400, 'bad-request');
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('refuses a constructor.prototype key in the body with 400', async () => {
    const body = JSON.stringify(await validBody(await newCode())).replace(/^\{/, '{"constructor":{"prototype":{"admin":true}},');
    await expectRefused(body, 400, 'bad-request');
  });

  it('refuses 100000 nested [ (larger than the 64 KiB limit) with 413', async () => {
    await expectRefused('['.repeat(100_000), 413, 'payload-too-large');
  });

  it('refuses 60000 unbalanced nested [ within the size limit with 400', async () => {
    await expectRefused('['.repeat(60_000), 400, 'bad-request');
  });

  it('refuses 30000-deep balanced arrays with 400', async () => {
    await expectRefused(`${'['.repeat(30_000)}${']'.repeat(30_000)}`, 400, 'bad-request');
  });

  it('refuses 6000-deep nested objects inside the jwk field with 400', async () => {
    const body = `{"code":"enr_xxxxxxxx","proof":"${'x'.repeat(32)}","jwk":${'{"a":'.repeat(6_000)}1${'}'.repeat(6_000)}}`;
    await expectRefused(body, 400, 'bad-request');
  });

  it('refuses a 10 MB body with 413', async () => {
    await expectRefused(JSON.stringify({ code: 'x'.repeat(10 * 1024 * 1024) }), 413, 'payload-too-large');
  });

  it('refuses a 65 KB body with 413', async () => {
    await expectRefused(JSON.stringify({ ...(await validBody(await newCode())), hostname: 'h'.repeat(65 * 1024) }), 413, 'payload-too-large');
  });

  it('refuses an unknown extra property with 400', async () => {
    await expectRefused({ ...(await validBody(await newCode())), groups: ['admins'] }, 400, 'bad-request');
  });

  it('refuses a body that is not JSON with 400', async () => {
    await expectRefused('code=abc&jwk=1', 400, 'bad-request');
  });

  it('refuses a form-encoded body with 415', async () => {
    await expectRefused('code=abc&jwk=1', 415, 'unsupported-media-type', 'application/x-www-form-urlencoded');
  });

  it('refuses non-UTF-8 bytes with 400', async () => {
    await expectRefused(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), 400, 'bad-request');
  });
});

describe('enrolment brute force', () => {
  it('limits one address to 10 attempts a minute, refuses a correct code while limited, and does not spend it', async () => {
    const address = '203.0.113.7';
    const good = await newCode();
    const key = await newKey();
    const before = await snapshot(h, []);
    for (let i = 0; i < 10; i++) {
      const wrong = `enr_guess_${i}_aaaaaaaaaaaa`;
      expectProblem(await enrol(await validBody(wrong), address), 403, 'enrollment-code-invalid');
    }
    expectProblem(await enrol(await validBody('enr_guess_10_aaaaaaaaaaaa'), address), 429, 'rate-limited');
    expectProblem(await enrol(await validBody(good, key), address), 429, 'rate-limited');
    expect(await snapshot(h, [])).toEqual(before);
    // A spoofed X-Forwarded-For from an untrusted peer does not buy a new window.
    const spoofed = await h.app.inject({ method: 'POST', url: '/v1/enrollments', remoteAddress: address, headers: { 'x-forwarded-for': '192.0.2.99' }, payload: await validBody(good, key) });
    expectProblem(spoofed, 429, 'rate-limited');
    // Another address is not affected.
    expect((await enrol(await validBody(await newCode()), '203.0.113.8')).statusCode).toBe(201);
    // After the window the same correct code (never spent) enrols.
    h.clock.now = new Date(h.clock.now.getTime() + 61_000);
    expect((await enrol(await validBody(good, key), address)).statusCode).toBe(201);
  });
});

describe('deeply nested and oversized JSON at POST /v1/challenges', () => {
  const challenge = (payload: string) => h.app.inject({ method: 'POST', url: '/v1/challenges', remoteAddress: nextAddress(), headers: { 'content-type': 'application/json' }, payload });

  it('refuses 100000 nested [ with 413', async () => {
    expectProblem(await challenge('['.repeat(100_000)), 413, 'payload-too-large');
  });

  it('refuses 60000 unbalanced nested [ with 400', async () => {
    expectProblem(await challenge('['.repeat(60_000)), 400, 'bad-request');
  });

  it('refuses a __proto__ key with 400', async () => {
    expectProblem(await challenge('{"__proto__":{"polluted":true}}'), 400, 'bad-request');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
