/**
 * How the sign-in reaches the evidence (issue 4). The check reports the ID token's facts
 * and hash; the evidence's `mfa` submod then carries the ID token itself (`["JWT", token]`)
 * until the service has accepted it once, and only the hash after that: the service
 * remembers every token it verified for a device, so a later, expired token still counts
 * for its `auth_time` without being sent again. The token never appears in `check` output.
 */
import type { EvidenceClaims } from '../../shared/evidence.js';
import type { CheckSettings } from '../checks/types.js';
import type { AgentState } from '../state/agent-state.js';
import { loadOidcSession, type OidcSession } from './session-store.js';

/** Check settings from the enrolment state and the saved sign-in. */
export function mfaSettingsFor(state: AgentState | undefined, session: OidcSession | undefined): CheckSettings {
  const issuer = state?.idp?.issuer;
  if (!issuer) return {};
  const usable = session && session.issuer === issuer && session.clientId === state.idp?.client_id;
  return { mfaIssuer: issuer, ...(usable ? { mfaSignIn: { facts: session.facts, idTokenHash: session.idTokenHash } } : {}) };
}

/** Like `mfaSettingsFor`, reading the saved sign-in; an unreadable one counts as none. */
export async function loadMfaSettings(stateDir: string, state: AgentState | undefined): Promise<CheckSettings> {
  const session = await loadOidcSession(stateDir).catch(() => undefined);
  return mfaSettingsFor(state, session);
}

/**
 * Puts the ID token (not yet presented) or its hash into the `mfa` submod's facts, when
 * that submod reports this sign-in. Returns whether the full token was attached.
 */
export function bindIdToken(claims: EvidenceClaims, session: OidcSession | undefined): boolean {
  const mfa = claims.submods.mfa;
  if (!session || !mfa || mfa.facts.idTokenHash !== session.idTokenHash) return false;
  if (session.presented) return false;
  const { idTokenHash: _hash, ...rest } = mfa.facts;
  mfa.facts = { ...rest, idToken: ['JWT', session.idToken] };
  return true;
}
