import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { decodeProtectedHeader, errors, importJWK, jwtVerify, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { buildEvidenceClaims, signEvidence } from '../../../src/agent/attestation/evidence.js';
import { loadOrCreateDeviceKey } from '../../../src/agent/identity/device-key.js';
import { FileKeyStore } from '../../../src/agent/identity/key-store.js';
import type { PostureReport } from '../../../src/shared/check-result.js';
import { EVIDENCE_PROFILE } from '../../../src/shared/claims.js';
import { isPostureError } from '../../../src/shared/errors.js';
import { EvidenceClaimsSchema } from '../../../src/shared/evidence.js';

const FROZEN = new Date('2026-03-01T12:00:00.000Z');

const report: PostureReport = {
  platform: 'linux',
  collectedAt: FROZEN.toISOString(),
  durationMs: 12,
  requirementsSource: 'baseline',
  mode: 'live',
  overall: 'fail',
  checks: [
    { id: 'disk_encryption', status: 'pass', facts: { volumes: [{ mount: '/', system: true, encrypted: true, method: 'LUKS2', state: 'on' }], systemVolumeEncrypted: true }, summary: 'ok', reasons: [], gaps: [], probes: ['linux.lsblk'], collectedAt: FROZEN.toISOString(), durationMs: 3 },
    { id: 'edr', status: 'fail', facts: { products: [] }, summary: 'none', reasons: ['edr.none_installed'], gaps: [], probes: ['linux.ps'], collectedAt: FROZEN.toISOString(), durationMs: 4 },
    { id: 'mfa', status: 'unknown', facts: { localAuthenticators: [] }, summary: 'no IdP', reasons: ['mfa.not_configured'], unknownReason: 'not-configured', gaps: [{ fact: 'amr', reason: 'not-configured' }], probes: [], collectedAt: FROZEN.toISOString(), durationMs: 0 },
  ],
};

async function deviceKey() {
  return loadOrCreateDeviceKey(new FileKeyStore(join(await mkdtemp(join(tmpdir(), 'posture-ev-')), 'device-key.json')));
}

const input = (nonce = 'n0nce-AbCdEfGh1234') => ({
  report,
  deviceId: 'dev_123',
  audience: 'https://posture.example.internal',
  nonce,
  software: { name: 'posture-agent', version: '0.1.0' },
  device: { platform: 'linux' as const, arch: 'x64' },
  now: FROZEN,
});

describe('evidence', () => {
  it('builds schema-valid EAT claims with one submod per check', () => {
    const claims = buildEvidenceClaims(input());
    expect(Value.Check(EvidenceClaimsSchema, claims)).toBe(true);
    expect(claims).toMatchObject({ eat_profile: EVIDENCE_PROFILE, iss: 'dev_123', aud: 'https://posture.example.internal', iat: FROZEN.getTime() / 1000, exp: FROZEN.getTime() / 1000 + 120, eat_nonce: 'n0nce-AbCdEfGh1234' });
    expect(Object.keys(claims.submods)).toEqual(['disk_encryption', 'edr', 'mfa']);
    expect(claims.submods.mfa).toMatchObject({ status: 'unknown', unknown_reason: 'not-configured' });
    expect(claims.jti).not.toBe(buildEvidenceClaims(input()).jti);
  });

  it('signs with ES256, typ eat+jwt and the key thumbprint as kid, and verifies at the frozen time', async () => {
    const key = await deviceKey();
    const token = await signEvidence(buildEvidenceClaims(input()), key);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'eat+jwt', kid: key.kid });
    const pub = await importJWK(key.publicJwk as JWK, 'ES256');
    const { payload } = await jwtVerify(token, pub, { algorithms: ['ES256'], typ: 'eat+jwt', audience: 'https://posture.example.internal', issuer: 'dev_123', currentDate: FROZEN });
    expect(payload.eat_nonce).toBe('n0nce-AbCdEfGh1234');
    expect((payload.submods as Record<string, unknown>).edr).toMatchObject({ status: 'fail', reasons: ['edr.none_installed'] });
  });

  it('is expired two minutes after signing', async () => {
    const key = await deviceKey();
    const token = await signEvidence(buildEvidenceClaims(input()), key);
    const pub = await importJWK(key.publicJwk as JWK, 'ES256');
    const later = new Date(FROZEN.getTime() + 121_000);
    await expect(jwtVerify(token, pub, { algorithms: ['ES256'], currentDate: later })).rejects.toBeInstanceOf(errors.JWTExpired);
  });

  it('does not verify with another device key', async () => {
    const [a, b] = [await deviceKey(), await deviceKey()];
    const token = await signEvidence(buildEvidenceClaims(input()), a);
    const other = await importJWK(b.publicJwk as JWK, 'ES256');
    await expect(jwtVerify(token, other, { algorithms: ['ES256'], currentDate: FROZEN })).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it.each([['short'], ['has space in it'], ['x'.repeat(89)], ['nonce/with/slash']])('rejects the malformed nonce %j', (nonce) => {
    const err = (() => {
      try {
        buildEvidenceClaims(input(nonce));
      } catch (e) {
        return e;
      }
    })();
    expect(isPostureError(err, 'INPUT_INVALID')).toBe(true);
  });

  it('rejects an audience that is not an http(s) URL or carries credentials', () => {
    for (const audience of ['posture.example', 'ftp://x', 'https://user:pw@x']) {
      expect(() => buildEvidenceClaims({ ...input(), audience })).toThrow(/audience/);
    }
  });
});
