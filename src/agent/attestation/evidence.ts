/** Builds the evidence claims from a posture report and signs them with the device key. */
import { randomBytes } from 'node:crypto';
import { SignJWT, type CryptoKey } from 'jose';
import type { PostureReport } from '../../shared/check-result.js';
import { ALG, EAT_JWT_TYP, EVIDENCE_MAX_LIFETIME_S, EVIDENCE_PROFILE, NONCE_PATTERN } from '../../shared/claims.js';
import { PostureError } from '../../shared/errors.js';
import type { EvidenceClaims, EvidenceSubmod } from '../../shared/evidence.js';

export interface EvidenceInput {
  report: PostureReport;
  /** Device id (`iss`): the id the service assigned at enrolment, or `jkt:<thumbprint>` before. */
  deviceId: string;
  /** The posture service URL (`aud`). */
  audience: string;
  /** From `POST /v1/challenges`. */
  nonce: string;
  software: { name: string; version: string };
  device: EvidenceClaims['device'];
  /** Signing time; defaults to now. */
  now?: Date;
  /** Token lifetime in seconds, at most 120 (default 120). */
  lifetimeSeconds?: number;
}

const NONCE_RE = new RegExp(NONCE_PATTERN);

/**
 * The evidence claims for `input`. Pure apart from the random `jti`.
 * @throws PostureError INPUT_INVALID for a malformed nonce, audience or lifetime.
 */
export function buildEvidenceClaims(input: EvidenceInput): EvidenceClaims {
  if (!NONCE_RE.test(input.nonce)) throw new PostureError('INPUT_INVALID', 'nonce must be 8 to 88 characters of [A-Za-z0-9_-]');
  assertAudience(input.audience);
  const lifetime = input.lifetimeSeconds ?? EVIDENCE_MAX_LIFETIME_S;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > EVIDENCE_MAX_LIFETIME_S) {
    throw new PostureError('INPUT_INVALID', `evidence lifetime must be 1..${EVIDENCE_MAX_LIFETIME_S} seconds`);
  }
  const iat = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const submods: Record<string, EvidenceSubmod> = {};
  for (const c of input.report.checks) {
    const sub: EvidenceSubmod = { status: c.status, facts: c.facts, reasons: c.reasons, collected_at: c.collectedAt };
    if (c.unknownReason) sub.unknown_reason = c.unknownReason;
    if (c.gaps.length > 0) sub.gaps = c.gaps;
    if (c.probes.length > 0) sub.probes = c.probes;
    submods[c.id] = sub;
  }
  return {
    eat_profile: EVIDENCE_PROFILE,
    iss: input.deviceId,
    aud: input.audience,
    iat,
    exp: iat + lifetime,
    jti: randomBytes(16).toString('base64url'),
    eat_nonce: input.nonce,
    swname: input.software.name,
    swversion: input.software.version,
    device: input.device,
    submods,
  };
}

/** Signs evidence claims as a compact JWS: `{alg: ES256, typ: eat+jwt, kid}`. */
export async function signEvidence(claims: EvidenceClaims, key: { privateKey: CryptoKey; kid: string }): Promise<string> {
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: ALG, typ: EAT_JWT_TYP, kid: key.kid }).sign(key.privateKey);
}

function assertAudience(aud: string): void {
  let url: URL;
  try {
    url = new URL(aud);
  } catch {
    throw new PostureError('INPUT_INVALID', `audience must be the posture service URL, got "${aud}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PostureError('INPUT_INVALID', 'audience must be an http(s) URL');
  if (url.username || url.password) throw new PostureError('INPUT_INVALID', 'audience must not contain credentials');
}
