import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bindIdToken, mfaSettingsFor } from '../../../src/agent/oidc/binding.js';
import { loadOidcSession, saveOidcSession, sessionFile, type OidcSession } from '../../../src/agent/oidc/session-store.js';
import type { AgentState } from '../../../src/agent/state/agent-state.js';
import { isPostureError } from '../../../src/shared/errors.js';
import type { EvidenceClaims } from '../../../src/shared/evidence.js';

const ISSUER = 'https://idp.example.test';
const session: OidcSession = {
  version: 1, issuer: ISSUER, clientId: 'posture-agent', idToken: 'aaaa.bbbb.cccc', idTokenHash: 'h'.repeat(43), refreshToken: 'rt-secret',
  nonce: 'n'.repeat(32), obtainedAt: '2026-03-02T10:00:00.000Z', expiresAt: '2026-03-02T11:00:00.000Z',
  facts: { issuer: ISSUER, subject: 'alice', username: 'alice', amr: ['pwd', 'mfa'], authTime: '2026-03-02T10:00:00.000Z', phishingResistant: false }, presented: false,
};
const state = { version: 1, service: 'http://127.0.0.1:1', deviceId: 'dev_1', user: 'alice', groups: [], jkt: 'j', enrolledAt: '2026-03-01T00:00:00.000Z', idp: { issuer: ISSUER, client_id: 'posture-agent' } } as AgentState;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posture-oidc-session-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function claimsWith(facts: Record<string, unknown>): EvidenceClaims {
  return { submods: { mfa: { status: 'pass', facts, reasons: [], collected_at: '2026-03-02T10:00:00.000Z' } } } as unknown as EvidenceClaims;
}

describe('the saved sign-in', () => {
  it('is written 0600 and refused once other users can read it', async () => {
    await saveOidcSession(dir, session);
    expect((await stat(sessionFile(dir))).mode & 0o777).toBe(0o600);
    expect(await loadOidcSession(dir)).toEqual(session);
    await chmod(sessionFile(dir), 0o644);
    const err = await loadOidcSession(dir).catch((e: unknown) => e);
    expect(isPostureError(err, 'KEY_INSECURE_PERMISSIONS')).toBe(true);
  });

  it('gives the mfa check the issuer and, for the same IdP and client, the sign-in facts', () => {
    expect(mfaSettingsFor(undefined, session)).toEqual({});
    expect(mfaSettingsFor(state, undefined)).toEqual({ mfaIssuer: ISSUER });
    expect(mfaSettingsFor(state, session)).toEqual({ mfaIssuer: ISSUER, mfaSignIn: { facts: session.facts, idTokenHash: session.idTokenHash } });
    expect(mfaSettingsFor(state, { ...session, clientId: 'other' })).toEqual({ mfaIssuer: ISSUER });
  });

  it('puts the ID token into the evidence until it was presented, then only its hash', () => {
    const fresh = claimsWith({ localAuthenticators: [], idTokenHash: session.idTokenHash });
    expect(bindIdToken(fresh, session)).toBe(true);
    expect(fresh.submods.mfa?.facts).toEqual({ localAuthenticators: [], idToken: ['JWT', session.idToken] });
    const later = claimsWith({ localAuthenticators: [], idTokenHash: session.idTokenHash });
    expect(bindIdToken(later, { ...session, presented: true })).toBe(false);
    expect(later.submods.mfa?.facts).toEqual({ localAuthenticators: [], idTokenHash: session.idTokenHash });
  });
});
