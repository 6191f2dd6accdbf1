/**
 * The identity-provider half of the MFA facts, shared by every platform: the issuer the
 * service verifies MFA with, and the facts of the user's last sign-in there
 * (`posture-agent login`). Without an issuer the token facts are a `not-configured` gap;
 * with one but no sign-in (or a sign-in at another issuer) a `not-collected` gap.
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { MfaFacts } from '../../../shared/facts/mfa.js';
import type { CollectContext } from '../types.js';

/** Sets `issuer` and the sign-in facts from the settings and records why token facts are missing. */
export function addIdentityFacts(ctx: CollectContext, facts: MfaFacts, gaps: Gap[]): void {
  const issuer = ctx.settings.mfaIssuer?.trim();
  if (!issuer) {
    gaps.push({ fact: 'issuer', reason: 'not-configured', detail: 'no OIDC issuer is configured for the agent (setting mfaIssuer)' });
    return;
  }
  facts.issuer = issuer.slice(0, 512);
  const signIn = ctx.settings.mfaSignIn;
  if (!signIn || signIn.facts.issuer !== issuer) {
    gaps.push({ fact: 'idToken', reason: 'not-collected', detail: 'no ID token yet: sign in with `posture-agent login`' });
    return;
  }
  Object.assign(facts, signIn.facts, { issuer: facts.issuer, idTokenHash: signIn.idTokenHash });
}
