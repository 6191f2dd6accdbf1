/**
 * The `mfa` rule. MFA is proven only by the identity provider: the `amr`/`acr`/`auth_time`
 * of an ID token the agent obtained. Local authenticators (security keys, Touch ID,
 * Windows Hello, a TPM) are reported for context but never prove that the user signed in
 * with a second factor. Without an IdP the check is `unknown: not-configured`; with one but
 * no token yet it is `unknown: not-collected`.
 */
import type { IdTokenRejection, MfaFacts } from '../facts/mfa.js';
import type { MfaRequirement } from '../requirements.js';
import { combineFindings, gapFor, type Finding, type Rule, type RuleOutcome } from './findings.js';

/** RFC 8176 value the rule accepts when the policy requires MFA but lists no `amr`/`acr`. */
const DEFAULT_AMR_ANY = ['mfa'];

const LOGIN = 'Sign in with `posture-agent login`, using your second factor (security key, authenticator app or passkey) when asked.';

/** "found: YubiKey (security key), TPM 2.0" or "no local authenticator found". */
export function describeLocalAuthenticators(facts: MfaFacts | undefined): string {
  const list = facts?.localAuthenticators ?? [];
  if (list.length === 0) return 'no local authenticator found';
  return `found: ${list.map((a) => `${a.name}${a.kind === 'roaming' ? ' (security key)' : ''}${a.enrolled === false ? ' (not set up)' : ''}`).join(', ')}`;
}

/** Judges MFA facts against the requirement. */
export const evaluateMfa: Rule<MfaFacts, MfaRequirement> = ({ facts, gaps, requirement, now }) => {
  const found = describeLocalAuthenticators(facts);
  const hasToken = facts?.amr !== undefined || facts?.acr !== undefined || facts?.authTime !== undefined;
  if (!requirement?.required) {
    const state = !facts?.issuer ? 'no identity provider is configured' : hasToken ? `signed in at ${facts.issuer}` : `not signed in at ${facts.issuer} yet`;
    return { status: 'pass', summary: `MFA is not required (${state}; ${found}).`, reasons: ['mfa.not_required'] };
  }
  if (!facts?.issuer) {
    const gap = gapFor(gaps, 'issuer');
    return {
      status: 'unknown',
      summary: `MFA cannot be verified: no identity provider is configured (${found}).`,
      remediation: 'Ask IT to configure the identity provider (OIDC issuer) for the posture agent, then sign in with `posture-agent login`.',
      reasons: ['mfa.no_identity_provider'],
      unknownReason: gap?.reason ?? 'not-configured',
    };
  }
  if (facts.idTokenRejected) return rejected(facts.idTokenRejected, facts.issuer);
  if (!hasToken) {
    const gap = gapFor(gaps, 'idToken');
    return {
      status: 'unknown',
      summary: `MFA cannot be verified yet: sign in with \`posture-agent login\` (identity provider ${facts.issuer}; ${found}).`,
      remediation: LOGIN,
      reasons: ['mfa.not_signed_in'],
      unknownReason: gap?.reason ?? 'not-collected',
    };
  }

  const findings: Finding[] = [];
  const amrAny = requirement.amr_any ?? (requirement.acr_any ? undefined : DEFAULT_AMR_ANY);
  if (amrAny && amrAny.length > 0) {
    if (!facts.amr) {
      findings.push({
        status: 'unknown',
        code: 'mfa.no_amr',
        message: `The identity provider did not say how you signed in (its ID token has no amr claim), so MFA cannot be checked.`,
        remediation: 'Ask IT to configure the identity provider to include the `amr` claim in ID tokens.',
        unknownReason: 'not-configured',
      });
    } else if (!facts.amr.some((a) => amrAny.includes(a))) {
      findings.push({
        status: 'fail',
        code: 'mfa.amr_not_accepted',
        message: `MFA not used: you signed in with ${facts.amr.join(', ') || 'no stated method'}, one of ${amrAny.join(', ')} is required: sign in again with your second factor.`,
        remediation: LOGIN,
      });
    } else {
      findings.push({ status: 'pass', code: 'mfa.amr_accepted', message: `Signed in with ${facts.amr.join(', ')}.` });
    }
  }
  if (requirement.acr_any && requirement.acr_any.length > 0) {
    const acrAny = requirement.acr_any;
    if (facts.acr === undefined) {
      findings.push({
        status: 'unknown',
        code: 'mfa.no_acr',
        message: 'The identity provider did not state the authentication level (no acr claim), so it cannot be checked.',
        remediation: 'Ask IT to configure the identity provider to include the `acr` claim in ID tokens.',
        unknownReason: 'not-configured',
      });
    } else if (!acrAny.includes(facts.acr)) {
      findings.push({ status: 'fail', code: 'mfa.acr_not_accepted', message: `Sign-in level ${facts.acr} is not enough, one of ${acrAny.join(', ')} is required: sign in again with a stronger factor.`, remediation: LOGIN });
    } else {
      findings.push({ status: 'pass', code: 'mfa.acr_accepted', message: `Sign-in level ${facts.acr}.` });
    }
  }
  if (requirement.max_auth_age_seconds !== undefined) {
    const max = requirement.max_auth_age_seconds;
    const at = facts.authTime !== undefined ? Date.parse(facts.authTime) : Number.NaN;
    if (facts.authTime === undefined) {
      findings.push({
        status: 'unknown',
        code: 'mfa.no_auth_time',
        message: 'The identity provider did not say when you signed in (no auth_time claim).',
        remediation: 'Ask IT to configure the identity provider to include `auth_time` in ID tokens.',
        unknownReason: 'not-configured',
      });
    } else if (Number.isNaN(at)) {
      findings.push({ status: 'unknown', code: 'mfa.bad_auth_time', message: `The sign-in time "${facts.authTime.slice(0, 40)}" is not a valid time.`, unknownReason: 'parse-error' });
    } else {
      const age = Math.max(0, Math.floor((now.getTime() - at) / 1000));
      if (age > max) {
        findings.push({ status: 'fail', code: 'mfa.auth_too_old', message: `MFA older than ${short(max)}: sign in again (you last signed in ${duration(age)} ago).`, remediation: LOGIN });
      } else {
        findings.push({ status: 'pass', code: 'mfa.auth_recent', message: `Signed in ${duration(age)} ago.` });
      }
    }
  }
  const how = facts.amr?.length ? ` with ${facts.amr.join(', ')}` : facts.acr ? ` at level ${facts.acr}` : '';
  return combineFindings(findings, `You signed in at ${facts.issuer}${how}, meeting the MFA requirement (${found}).`);
};

const REJECTED: Readonly<Record<IdTokenRejection, string>> = {
  'issuer-unknown': 'was issued by an identity provider this service does not trust',
  'signature-invalid': "does not carry a valid signature of the identity provider's keys",
  expired: 'has expired',
  'audience-mismatch': 'was issued to another application',
  'nonce-mismatch': 'was not obtained for this attestation (nonce mismatch)',
  'user-mismatch': "belongs to another user than this device's enrolled user",
  replayed: 'was already presented by another device',
  'reference-unknown': 'is not one this device presented before',
  'claims-invalid': 'lacks required claims',
  'idp-unavailable': 'could not be checked: the identity provider did not answer',
  'not-verifiable': 'cannot be verified: the posture service has no identity provider configured',
};

/**
 * The service refused the ID token: `fail` (it is wrong, stale or not this user's), except
 * when the IdP could not be reached or none is configured, which is `unknown` (never pass).
 */
function rejected(code: IdTokenRejection, issuer: string): RuleOutcome {
  const unknown = code === 'idp-unavailable' || code === 'not-verifiable';
  const summary = `MFA not proven: your sign-in at ${issuer} ${REJECTED[code]}${unknown ? '.' : ': sign in again.'}`;
  const reasons = ['mfa.id_token_rejected', `mfa.id_token_${code.replace(/-/g, '_')}`];
  if (unknown) return { status: 'unknown', summary, reasons, unknownReason: code === 'idp-unavailable' ? 'probe-failed' : 'not-configured', remediation: 'Try again later; if it persists, tell IT that the posture service cannot verify sign-ins.' };
  return { status: 'fail', summary, reasons, remediation: LOGIN };
}

/** `43200` → `12h`, `90` → `90s`, `86400` → `1d`: how policy authors write durations. */
function short(seconds: number): string {
  if (seconds >= 86400 && seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** Seconds as a rounded human duration: "45 seconds", "20 minutes", "13 hours", "2 days". */
function duration(seconds: number): string {
  const unit = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (seconds < 120) return unit(seconds, 'second');
  if (seconds < 7200) return unit(Math.round(seconds / 60), 'minute');
  if (seconds < 172800) return unit(Math.round(seconds / 3600), 'hour');
  return unit(Math.round(seconds / 86400), 'day');
}
