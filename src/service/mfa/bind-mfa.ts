/**
 * Replaces the `mfa` submod of verified evidence with what the service itself verified
 * (issue 4). The agent's IdP facts are never trusted: they are dropped, and the ones an
 * ID token proves are put back only when the service verified that token:
 * - `["JWT", id_token]` that this device presented before (same hash): its remembered facts;
 * - `["JWT", id_token]` new to the service: verified against the IdP (see verify-id-token),
 *   its `nonce` must be this evidence's `eat_nonce` (a fresh sign-in for this attestation),
 *   then remembered by hash for this device (another device presenting it is a replay);
 * - `idTokenHash` alone: the remembered facts of a token this device presented.
 * A refused token leaves the submod with `idTokenRejected` set and no IdP facts: the
 * attestation is still accepted (the other checks stand), and MFA fails or is unknown.
 */
import { createHash } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import type { Gap, Platform } from '../../shared/check-ids.js';
import type { EvidenceSubmod } from '../../shared/evidence.js';
import { MfaFactsSchema, type IdTokenFacts, type IdTokenRejection, type MfaFacts } from '../../shared/facts/mfa.js';
import type { MfaRequirement } from '../../shared/requirements.js';
import { evaluateMfa } from '../../shared/rules/mfa.js';
import type { IdpHint } from '../../shared/api.js';
import type { OidcConfig } from '../config.js';
import type { DeviceRecord, Store } from '../store/types.js';
import { createIssuerKeys, type IssuerKeys } from './issuer-keys.js';
import { verifyIdToken } from './verify-id-token.js';

/** How long a verified token may be referenced by hash (the longest policy duration). */
export const REMEMBER_ID_TOKEN_MS = 30 * 86_400_000;

export interface MfaBindInput {
  submod: EvidenceSubmod;
  device: DeviceRecord;
  /** The evidence's `eat_nonce`. */
  evidenceNonce: string;
  now: Date;
  /** The evidence's platform. */
  platform: Platform;
  /** The strictest MFA requirement over the device's segments, for the submod's own status. */
  requirement?: MfaRequirement;
}

export interface MfaBinding {
  /** What agents are told to sign in with; undefined without an IdP. */
  readonly hint: IdpHint | undefined;
  /** The submod with verified IdP facts (or a rejection); the input unchanged without an IdP. */
  bind(input: MfaBindInput): Promise<{ submod: EvidenceSubmod; rejected?: { code: IdTokenRejection; detail: string } }>;
}

/** base64url SHA-256 of a compact token. */
export function idTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/**
 * The binding for `oidc`. Without an IdP nothing can prove MFA: the agent's IdP facts are
 * dropped (only local authenticators stay), unless `insecureTrustAgentMfa` is set for tests.
 */
export function createMfaBinding(config: OidcConfig | undefined, store: Store, opts: { keys?: IssuerKeys; insecureTrustAgentMfa?: boolean } = {}): MfaBinding {
  if (!config) {
    if (opts.insecureTrustAgentMfa) return { hint: undefined, bind: async ({ submod }) => ({ submod }) };
    return { hint: undefined, bind: async ({ submod }) => ({ submod: withoutIdpFacts(submod) }) };
  }
  const oidc = config;
  const keys = opts.keys ?? createIssuerKeys(oidc.issuer, oidc.clientId);
  const hint: IdpHint = {
    issuer: oidc.issuer,
    client_id: oidc.clientId,
    ...(oidc.acrValues ? { acr_values: oidc.acrValues } : {}),
    ...(oidc.maxAgeSeconds !== undefined ? { max_age: oidc.maxAgeSeconds } : {}),
  };

  async function resolve(claimed: MfaFacts, input: MfaBindInput): Promise<{ facts?: IdTokenFacts; rejected?: { code: IdTokenRejection; detail: string } }> {
    const nowMs = input.now.getTime();
    const token = claimed.idToken?.[1];
    const hash = token ? idTokenHash(token) : claimed.idTokenHash;
    if (!hash) return {};
    const known = await store.findIdToken(hash, nowMs);
    if (known && known.deviceId !== input.device.id) return { rejected: { code: 'replayed', detail: 'this ID token was presented by another device' } };
    if (known) return { facts: known.facts as IdTokenFacts };
    if (!token) return { rejected: { code: 'reference-unknown', detail: 'no ID token with this hash was verified for this device' } };
    const verdict = await verifyIdToken(token, { oidc, keys, now: input.now, user: input.device.user, nonce: input.evidenceNonce });
    if (!verdict.ok) return { rejected: { code: verdict.code, detail: verdict.detail } };
    const outcome = await store.rememberIdToken({
      hash,
      deviceId: input.device.id,
      issuer: oidc.issuer,
      subject: String(verdict.claims.sub),
      facts: verdict.facts as Record<string, unknown>,
      verifiedAt: nowMs,
      expiresAt: nowMs + REMEMBER_ID_TOKEN_MS,
    });
    if (outcome === 'other-device') return { rejected: { code: 'replayed', detail: 'this ID token was presented by another device' } };
    return { facts: verdict.facts };
  }

  return {
    hint,
    async bind(input) {
      const raw = input.submod.facts;
      const claimed: MfaFacts = Value.Check(MfaFactsSchema, raw) ? raw : { localAuthenticators: [] };
      const { facts, rejected } = await resolve(claimed, input);
      const out: MfaFacts = { localAuthenticators: claimed.localAuthenticators, issuer: oidc.issuer };
      const gaps: Gap[] = (input.submod.gaps ?? []).filter((g) => g.fact === 'localAuthenticators');
      if (facts) Object.assign(out, facts, { issuer: oidc.issuer, verified: true });
      else if (rejected) {
        out.idTokenRejected = rejected.code;
        gaps.push({ fact: 'idToken', reason: rejected.code === 'idp-unavailable' ? 'probe-failed' : 'not-collected', detail: `ID token rejected (${rejected.code}): ${rejected.detail}`.slice(0, 512) });
      } else gaps.push({ fact: 'idToken', reason: 'not-collected', detail: 'no ID token: sign in with `posture-agent login`' });
      const verdict = evaluateMfa({ facts: out, gaps, requirement: input.requirement ?? { required: true }, now: input.now, platform: input.platform });
      const submod: EvidenceSubmod = {
        status: verdict.status,
        facts: out,
        reasons: verdict.reasons.slice(0, 32),
        collected_at: input.submod.collected_at,
        ...(verdict.unknownReason ? { unknown_reason: verdict.unknownReason } : {}),
        ...(gaps.length > 0 ? { gaps } : {}),
        ...(input.submod.probes ? { probes: input.submod.probes } : {}),
      };
      return { submod, ...(rejected ? { rejected } : {}) };
    },
  };
}

/** The submod with only what the device can say for itself: its local authenticators. */
function withoutIdpFacts(submod: EvidenceSubmod): EvidenceSubmod {
  const raw = submod.facts as { localAuthenticators?: unknown };
  const local = Value.Check(MfaFactsSchema, { localAuthenticators: raw.localAuthenticators }) ? (raw.localAuthenticators as MfaFacts['localAuthenticators']) : [];
  return {
    status: 'unknown',
    facts: { localAuthenticators: local },
    reasons: ['mfa.no_identity_provider'],
    unknown_reason: 'not-configured',
    gaps: [{ fact: 'idToken', reason: 'not-configured', detail: 'the posture service has no identity provider configured' }],
    collected_at: submod.collected_at,
    ...(submod.probes ? { probes: submod.probes } : {}),
  };
}
