import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCanonicalBase64url } from '../../../src/service/verify-evidence.js';
import { startHarness, type Harness } from '../../helpers/service-harness.js';
import { expectProblem } from './hostile-helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const post = (token: string) => h.app.inject({ method: 'POST', url: '/v1/attestations', headers: { 'content-type': 'application/eat+jwt' }, payload: token });

/** The same token with the unused low bits of its last signature character set. */
function malleate(token: string): string {
  const [a, b, sig = ''] = token.split('.');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(sig.at(-1) ?? 'A');
  // A 64-byte ES256 signature is 86 characters: the last one carries 4 data bits and 2 unused ones.
  const twin = alphabet[(last & ~0b11) | ((last & 0b11) ^ 0b01)] ?? 'A';
  return `${a}.${b}.${sig.slice(0, -1)}${twin}`;
}

describe('canonical encoding', () => {
  it('knows canonical from non-canonical base64url', () => {
    expect(isCanonicalBase64url('AQAB.AQAB')).toBe(true);
    expect(isCanonicalBase64url('AQAC')).toBe(true);
    expect(isCanonicalBase64url('AQ')).toBe(true);
    expect(isCanonicalBase64url('AR')).toBe(false);
  });

  it('refuses a second spelling of a valid signature (no malleable evidence)', async () => {
    const dev = await h.enroll();
    const token = await h.evidence(dev);
    const twin = malleate(token);
    expect(twin).not.toBe(token);
    expect(Buffer.from(twin.split('.')[2] ?? '', 'base64url').equals(Buffer.from(token.split('.')[2] ?? '', 'base64url'))).toBe(true);
    expectProblem(await post(twin), 400, 'evidence-malformed');
    expect((await post(token)).statusCode).toBe(201);
  });

  it('refuses at /authz a second spelling of a genuine posture token', async () => {
    const dev = await h.enroll();
    const res = await h.attest(dev);
    expect(res.statusCode).toBe(201);
    const token = (res.json() as { posture_token: string }).posture_token;
    const ask = (bearer: string) => h.app.inject({ method: 'GET', url: '/authz/v1/training-cluster/', headers: { authorization: `Bearer ${bearer}`, 'x-posture-api-key': h.gatewayKey } });
    const twin = malleate(token);
    expect(twin).not.toBe(token);
    expect(Buffer.from(twin.split('.')[2] ?? '', 'base64url').equals(Buffer.from(token.split('.')[2] ?? '', 'base64url'))).toBe(true);
    expect((await ask(token)).statusCode).toBe(200);
    expect((await ask(twin)).statusCode).toBe(401);
  });

  it('tells a revoked device apart only to a holder of its key', async () => {
    const dev = await h.enroll();
    await h.app.inject({ method: 'DELETE', url: `/v1/devices/${dev.deviceId}`, headers: { 'x-posture-api-key': h.adminKey } });
    const { privateKey: other } = await generateKeyPair('ES256');
    expectProblem(await post(await h.evidence(dev, { key: other })), 401, 'evidence-signature-invalid');
    expectProblem(await post(await h.evidence(dev)), 403, 'device-revoked');
  });
});
