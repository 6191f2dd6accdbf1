/**
 * The identity-provider half of the MFA facts, shared by every platform. The OIDC sign-in
 * that fills `subject`, `amr`, `acr` and `authTime` is not built yet, so with an issuer
 * configured the token facts are a `not-collected` gap.
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { MfaFacts } from '../../../shared/facts/mfa.js';
import type { CollectContext } from '../types.js';

/** Sets `issuer` from the settings and records why token facts are missing. */
export function addIdentityFacts(ctx: CollectContext, facts: MfaFacts, gaps: Gap[]): void {
  const issuer = ctx.settings.mfaIssuer?.trim();
  if (!issuer) {
    gaps.push({ fact: 'issuer', reason: 'not-configured', detail: 'no OIDC issuer is configured for the agent (setting mfaIssuer)' });
    return;
  }
  facts.issuer = issuer.slice(0, 512);
  gaps.push({ fact: 'idToken', reason: 'not-collected', detail: 'no ID token yet: sign in with `posture-agent login`' });
}
