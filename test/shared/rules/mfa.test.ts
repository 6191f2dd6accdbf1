import { describe, expect, it } from 'vitest';
import type { Gap } from '../../../src/shared/check-ids.js';
import type { MfaFacts } from '../../../src/shared/facts/mfa.js';
import type { MfaRequirement } from '../../../src/shared/requirements.js';
import { evaluateMfa } from '../../../src/shared/rules/mfa.js';

const now = new Date('2025-06-02T12:00:00Z');
const run = (facts: MfaFacts | undefined, requirement: MfaRequirement | undefined, gaps: Gap[] = []) => evaluateMfa({ facts, gaps, requirement, now, platform: 'linux' });
const key = { kind: 'roaming' as const, name: 'YubiKey 5' };
const signedIn = (over: Partial<MfaFacts> = {}): MfaFacts => ({ localAuthenticators: [key], issuer: 'https://idp.example.com', amr: ['pwd', 'mfa'], authTime: '2025-06-02T10:00:00Z', ...over });
const REQ: MfaRequirement = { required: true, amr_any: ['mfa', 'hwk'], max_auth_age_seconds: 12 * 3600 };

describe('evaluateMfa', () => {
  it('is unknown not-configured without an identity provider, listing the local authenticators', () => {
    const r = run({ localAuthenticators: [key] }, REQ, [{ fact: 'issuer', reason: 'not-configured' }]);
    expect(r).toMatchObject({ status: 'unknown', unknownReason: 'not-configured', reasons: ['mfa.no_identity_provider'] });
    expect(r.summary).toBe('MFA cannot be verified: no identity provider is configured (found: YubiKey 5 (security key)).');
  });

  it('is unknown not-collected with an issuer but no sign-in yet', () => {
    const r = run({ localAuthenticators: [], issuer: 'https://idp.example.com' }, REQ, [{ fact: 'idToken', reason: 'not-collected' }]);
    expect(r).toMatchObject({ status: 'unknown', unknownReason: 'not-collected', reasons: ['mfa.not_signed_in'] });
    expect(r.summary).toContain('sign in with `posture-agent login`');
  });

  it('passes a recent sign-in with an accepted amr', () => {
    const r = run(signedIn(), REQ);
    expect(r.status).toBe('pass');
    expect(r.reasons).toEqual(['mfa.amr_accepted', 'mfa.auth_recent']);
    expect(r.summary).toBe('You signed in at https://idp.example.com with pwd, mfa, meeting the MFA requirement (found: YubiKey 5 (security key)).');
  });

  it('fails a password-only sign-in', () => {
    const r = run(signedIn({ amr: ['pwd'] }), REQ);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['mfa.amr_not_accepted']);
    expect(r.summary).toBe('MFA not used: you signed in with pwd, one of mfa, hwk is required: sign in again with your second factor.');
  });

  it('fails a sign-in older than the allowed age', () => {
    const r = run(signedIn({ authTime: '2025-06-01T20:00:00Z' }), REQ);
    expect(r.reasons).toEqual(['mfa.auth_too_old']);
    expect(r.summary).toBe('MFA older than 12h: sign in again (you last signed in 16 hours ago).');
  });

  it('checks acr when the policy lists acr values', () => {
    expect(run(signedIn({ acr: 'urn:example:loa:2' }), { required: true, acr_any: ['urn:example:loa:2'] }).status).toBe('pass');
    expect(run(signedIn({ acr: 'urn:example:loa:1' }), { required: true, acr_any: ['urn:example:loa:2'] }).reasons).toEqual(['mfa.acr_not_accepted']);
    expect(run(signedIn(), { required: true, acr_any: ['urn:example:loa:2'] })).toMatchObject({ status: 'unknown', unknownReason: 'not-configured' });
  });

  it('requires amr "mfa" when the policy names neither amr nor acr', () => {
    expect(run(signedIn({ amr: ['hwk'] }), { required: true }).status).toBe('fail');
    expect(run(signedIn(), { required: true }).status).toBe('pass');
  });

  it('is unknown, never pass, when the token lacks amr or auth_time, or auth_time is malformed', () => {
    expect(run(signedIn({ amr: undefined }), REQ)).toMatchObject({ status: 'unknown', unknownReason: 'not-configured' });
    expect(run({ localAuthenticators: [], issuer: 'https://idp.example.com', amr: ['mfa'] }, REQ)).toMatchObject({ status: 'unknown', reasons: ['mfa.no_auth_time'] });
    expect(run(signedIn({ authTime: 'yesterday' }), REQ)).toMatchObject({ status: 'unknown', unknownReason: 'parse-error' });
  });

  it('passes when not required but states what it saw', () => {
    expect(run({ localAuthenticators: [] }, { required: false }).summary).toBe('MFA is not required (no identity provider is configured; no local authenticator found).');
    expect(run(signedIn(), undefined).summary).toBe('MFA is not required (signed in at https://idp.example.com; found: YubiKey 5 (security key)).');
  });

  it('fails an ID token the service rejected, naming why, and never passes it', () => {
    const r = run(signedIn({ idTokenRejected: 'user-mismatch' }), REQ);
    expect(r).toMatchObject({ status: 'fail', reasons: ['mfa.id_token_rejected', 'mfa.id_token_user_mismatch'] });
    expect(r.summary).toBe("MFA not proven: your sign-in at https://idp.example.com belongs to another user than this device's enrolled user: sign in again.");
    expect(run(signedIn({ idTokenRejected: 'expired' }), REQ).summary).toContain('has expired: sign in again');
  });

  it('is unknown, not pass, when the identity provider could not be reached to verify the token', () => {
    expect(run(signedIn({ idTokenRejected: 'idp-unavailable' }), REQ)).toMatchObject({ status: 'unknown', unknownReason: 'probe-failed', reasons: ['mfa.id_token_rejected', 'mfa.id_token_idp_unavailable'] });
  });
});
