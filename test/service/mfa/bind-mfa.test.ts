import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMfaBinding, idTokenHash } from '../../../src/service/mfa/bind-mfa.js';
import { createIssuerKeys, IdpUnavailableError } from '../../../src/service/mfa/issuer-keys.js';
import { openSqliteStore } from '../../../src/service/store/sqlite.js';
import type { DeviceRecord, Store } from '../../../src/service/store/types.js';
import type { EvidenceSubmod } from '../../../src/shared/evidence.js';
import { AGENT_CLIENT_ID, startTestIdp, type TestIdp } from '../../agent/oidc/test-idp.js';

const NOW = new Date();
const device: DeviceRecord = { id: 'dev_a', jkt: 'j'.repeat(43), publicJwk: {}, user: 'alice', groups: [], enrolledAt: 0 };
const OIDC = { issuer: 'https://idp.example.test', clientId: 'posture-agent', userClaim: 'preferred_username' as const };
/** A syntactically valid compact JWS (content irrelevant: the keys are down). */
const TOKEN = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: OIDC.issuer })).toString('base64url')}.c2ln`;

function submod(facts: Record<string, unknown>): EvidenceSubmod {
  return { status: 'pass', facts: { localAuthenticators: [{ kind: 'roaming', name: 'YubiKey 5' }], ...facts }, reasons: [], collected_at: NOW.toISOString() };
}

let store: Store;
beforeEach(() => {
  store = openSqliteStore(':memory:');
});
afterEach(async () => {
  await store.close();
});

describe('createMfaBinding', () => {
  it('drops every IdP fact the agent reports when it sends no token', async () => {
    const b = createMfaBinding(OIDC, store, { keys: { keySet: async () => Promise.reject(new Error('unused')) } });
    const { submod: out } = await b.bind({ submod: submod({ issuer: OIDC.issuer, amr: ['hwk', 'mfa'], authTime: NOW.toISOString() }), device, evidenceNonce: 'n'.repeat(32), now: NOW, platform: 'linux', requirement: { required: true } });
    expect(out.facts).toEqual({ localAuthenticators: [{ kind: 'roaming', name: 'YubiKey 5' }], issuer: OIDC.issuer });
    expect(out).toMatchObject({ status: 'unknown', reasons: ['mfa.not_signed_in'], unknown_reason: 'not-collected' });
  });

  it('is unknown, never pass, when the IdP cannot be reached', async () => {
    const b = createMfaBinding(OIDC, store, { keys: { keySet: async () => Promise.reject(new IdpUnavailableError('connection refused')) } });
    const { submod: out, rejected } = await b.bind({ submod: submod({ idToken: ['JWT', TOKEN], amr: ['mfa'] }), device, evidenceNonce: 'n'.repeat(32), now: NOW, platform: 'linux' });
    expect(rejected?.code).toBe('idp-unavailable');
    expect(out).toMatchObject({ status: 'unknown', facts: { idTokenRejected: 'idp-unavailable' } });
    expect(out.facts.amr).toBeUndefined();
  });

  it('rejects a hash reference to a token this device never presented', async () => {
    const b = createMfaBinding(OIDC, store, { keys: { keySet: async () => Promise.reject(new Error('unused')) } });
    const { rejected } = await b.bind({ submod: submod({ idTokenHash: idTokenHash('whatever') }), device, evidenceNonce: 'n'.repeat(32), now: NOW, platform: 'linux' });
    expect(rejected?.code).toBe('reference-unknown');
  });

  it('drops self-reported IdP facts when no IdP is configured, so MFA cannot pass', async () => {
    const b = createMfaBinding(undefined, store);
    const s = submod({ issuer: OIDC.issuer, amr: ['mfa'] });
    const out = (await b.bind({ submod: s, device, evidenceNonce: 'n'.repeat(32), now: NOW, platform: 'linux' })).submod;
    expect(out.status).toBe('unknown');
    expect(out.unknown_reason).toBe('not-configured');
    expect(out.facts).not.toHaveProperty('amr');
    expect(out.facts).not.toHaveProperty('issuer');
    expect(b.hint).toBeUndefined();
  });

  it('passes self-reported MFA through only when explicitly told to trust agents (tests, trials)', async () => {
    const b = createMfaBinding(undefined, store, { insecureTrustAgentMfa: true });
    const s = submod({ issuer: OIDC.issuer, amr: ['mfa'] });
    expect((await b.bind({ submod: s, device, evidenceNonce: 'n'.repeat(32), now: NOW, platform: 'linux' })).submod).toBe(s);
  });
});

describe('ID tokens remembered per device (SQLite)', () => {
  it('knows a token by hash for its device and reports another device presenting it', async () => {
    const rec = { hash: idTokenHash('t1'), deviceId: 'dev_a', issuer: OIDC.issuer, subject: 's', facts: { amr: ['mfa'] }, verifiedAt: 1, expiresAt: NOW.getTime() + 60_000 };
    expect(await store.rememberIdToken(rec)).toBe('stored');
    expect(await store.rememberIdToken(rec)).toBe('known');
    expect(await store.rememberIdToken({ ...rec, deviceId: 'dev_b' })).toBe('other-device');
    expect((await store.findIdToken(rec.hash, NOW.getTime()))?.facts).toEqual({ amr: ['mfa'] });
    await store.purgeExpired(NOW.getTime() + 120_000);
    expect(await store.findIdToken(rec.hash, NOW.getTime())).toBeUndefined();
  });
});

describe('createIssuerKeys (real oidc-provider)', () => {
  let idp: TestIdp;
  beforeEach(async () => {
    idp = await startTestIdp();
  });
  afterEach(async () => {
    await idp.close();
  });

  it('fetches discovery once and reuses it', async () => {
    const keys = createIssuerKeys(idp.issuer, AGENT_CLIENT_ID);
    await Promise.all([keys.keySet(), keys.keySet()]);
    await keys.keySet();
    expect(idp.requests.discovery).toBe(1);
  });

  it('fails closed with IdpUnavailableError when the issuer does not answer', async () => {
    const issuer = idp.issuer;
    await idp.close();
    const keys = createIssuerKeys(issuer, AGENT_CLIENT_ID, { timeoutMs: 2000 });
    await expect(keys.keySet()).rejects.toBeInstanceOf(IdpUnavailableError);
    idp = await startTestIdp();
  });
});
