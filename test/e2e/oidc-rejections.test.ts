/**
 * ID tokens the service must refuse, end to end with a real OIDC provider, the real
 * service and the real agent code (set-up in oidc-e2e-setup.ts).
 *
 * What the service does with a refused ID token (documented in docs/identity-providers.md):
 * it ACCEPTS the attestation (the evidence itself is valid and the other checks stand) but
 * replaces the MFA facts with `idTokenRejected: <why>` and no IdP facts, so MFA fails (or is
 * unknown when the IdP is unreachable), every segment requiring MFA denies with
 * `mfa.id_token_rejected` + `mfa.id_token_<why>`, and an `mfa.id-token-rejected` event is
 * recorded. It is never a pass.
 */
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { attestOnce } from '../../src/agent/attest.js';
import { loadOidcSession, saveOidcSession } from '../../src/agent/oidc/session-store.js';
import { AGENT_CLIENT_ID, OTHER_CLIENT_ID } from '../agent/oidc/test-idp.js';
import { CHECKS, decision, mfaReasons, startOidcE2e, type OidcE2e } from './oidc-e2e-setup.js';

let e: OidcE2e;
beforeAll(async () => {
  e = await startOidcE2e();
});
afterAll(async () => {
  await e.close();
});
afterEach(() => {
  vi.useRealTimers();
  e.h.clock.now = new Date();
});

describe('refused ID tokens (real OIDC provider, real service, real agent)', () => {
  it('user mismatch: a device enrolled for alice cannot present bob\'s MFA', async () => {
    const paths = await e.enrolAgent('alice');
    const { attestation } = await e.login(paths, { accountId: 'bob', amr: ['pwd', 'otp', 'mfa'] });
    expect(decision(attestation.response, 'model-registry')).toBe('deny');
    expect(mfaReasons(attestation.response)).toEqual(['mfa.id_token_rejected', 'mfa.id_token_user_mismatch']);
    const events = await e.h.store.listEvents(0, 1000);
    expect(events.some((e) => e.type === 'mfa.id-token-rejected' && (e.data as { code: string }).code === 'user-mismatch')).toBe(true);
  });

  it('replayed ID token from another device is rejected, as the token and as a hash reference', async () => {
    const a = await e.enrolAgent();
    const b = await e.enrolAgent();
    await e.login(a, { accountId: 'alice', amr: ['pwd', 'otp', 'mfa'] });
    const stolen = await loadOidcSession(a.stateDir);
    if (!stolen) throw new Error('no session');
    await saveOidcSession(b.stateDir, { ...stolen, presented: false });
    const r1 = (await attestOnce(b, { checks: CHECKS })).response;
    expect(decision(r1, 'model-registry')).toBe('deny');
    expect(mfaReasons(r1)).toContain('mfa.id_token_replayed');
    await saveOidcSession(b.stateDir, { ...stolen, presented: true });
    const r2 = (await attestOnce(b, { checks: CHECKS })).response;
    expect(mfaReasons(r2)).toContain('mfa.id_token_replayed');
    // The rightful device is unaffected.
    expect(decision((await attestOnce(a, { checks: CHECKS })).response, 'model-registry')).toBe('allow');
  });

  it('forged ID token (same claims and kid, another key) is rejected', async () => {
    const paths = await e.enrolAgent();
    const { idToken, nonce } = await e.rawSignIn(e.idp, AGENT_CLIENT_ID, { accountId: 'alice', amr: ['pwd', 'otp', 'mfa'] });
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(decodeJwt(idToken)).setProtectedHeader({ alg: 'RS256', kid: e.idp.signingJwk.kid ?? '' }).sign(privateKey);
    await e.plantSession(paths, forged);
    const r = (await attestOnce(paths, { nonce, checks: CHECKS })).response;
    expect(decision(r, 'model-registry')).toBe('deny');
    expect(mfaReasons(r)).toEqual(['mfa.id_token_rejected', 'mfa.id_token_signature_invalid']);
  });

  it('an ID token that was never presented and has expired is rejected', async () => {
    const paths = await e.enrolAgent();
    const { idToken } = await e.rawSignIn(e.idp, AGENT_CLIENT_ID, { accountId: 'alice', amr: ['pwd', 'otp', 'mfa'] });
    await e.plantSession(paths, idToken);
    // Two hours later (the token lives one): agent and service clocks move together.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2 * 3_600_000);
    e.h.clock.now = new Date();
    const r = (await attestOnce(paths, { checks: CHECKS })).response;
    expect(decision(r, 'model-registry')).toBe('deny');
    expect(mfaReasons(r)).toEqual(['mfa.id_token_rejected', 'mfa.id_token_expired']);
  });

  it('a token from a sign-in for another evidence (nonce mismatch) is rejected on first presentation', async () => {
    const paths = await e.enrolAgent();
    const { idToken } = await e.rawSignIn(e.idp, AGENT_CLIENT_ID, { accountId: 'alice', amr: ['pwd', 'otp', 'mfa'] });
    await e.plantSession(paths, idToken);
    const r = (await attestOnce(paths, { checks: CHECKS })).response; // a fresh challenge, not the sign-in nonce
    expect(mfaReasons(r)).toEqual(['mfa.id_token_rejected', 'mfa.id_token_nonce_mismatch']);
  });

  it('wrong audience (a token issued to another client of the same IdP) is rejected', async () => {
    const paths = await e.enrolAgent();
    const { idToken, nonce } = await e.rawSignIn(e.idp, OTHER_CLIENT_ID, { accountId: 'alice', amr: ['pwd', 'otp', 'mfa'] });
    expect(decodeJwt(idToken).aud).toBe(OTHER_CLIENT_ID);
    await e.plantSession(paths, idToken);
    const r = (await attestOnce(paths, { nonce, checks: CHECKS })).response;
    expect(mfaReasons(r)).toEqual(['mfa.id_token_rejected', 'mfa.id_token_audience_mismatch']);
  });

  it('unknown issuer (a real token from another IdP) is rejected without fetching anything from it', async () => {
    const paths = await e.enrolAgent();
    const { idToken, nonce } = await e.rawSignIn(e.otherIdp, AGENT_CLIENT_ID, { accountId: 'alice', amr: ['pwd', 'otp', 'mfa'] });
    const before = { ...e.otherIdp.requests };
    await e.plantSession(paths, idToken);
    const r = (await attestOnce(paths, { nonce, checks: CHECKS })).response;
    expect(mfaReasons(r)).toEqual(['mfa.id_token_rejected', 'mfa.id_token_issuer_unknown']);
    expect(e.otherIdp.requests).toEqual(before);
  });
});
