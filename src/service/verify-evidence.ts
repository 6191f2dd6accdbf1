/**
 * Evidence verification, exactly per DESIGN §5 and RFC 8725: ES256 only, exact `typ`
 * and profile, the key of an enrolled, unrevoked device, issuer = that device,
 * audience = this service, bounded lifetime and skew, schema-valid claims. Nonce and
 * jti single use are enforced by the store when the attestation is written.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { decodeProtectedHeader, errors, importJWK, jwtVerify, type CryptoKey } from 'jose';
import { CHECK_IDS, type CheckId } from '../shared/check-ids.js';
import { ALG, EAT_JWT_TYP, EVIDENCE_MAX_LIFETIME_S, EVIDENCE_PROFILE } from '../shared/claims.js';
import { EvidenceClaimsSchema, type EvidenceClaims } from '../shared/evidence.js';
import { FACTS_SCHEMAS } from '../shared/facts/index.js';
import { ProblemError } from './problems.js';
import type { DeviceRecord, Store } from './store/types.js';

export const MAX_EVIDENCE_BYTES = 64 * 1024;
export const MAX_SKEW_S = 60;

export interface VerifiedEvidence {
  device: DeviceRecord;
  claims: EvidenceClaims;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const FORBIDDEN_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'crit', 'b64', 'zip'];

/** Verifies one evidence token. @throws ProblemError with the exact evidence-* code. */
export async function verifyEvidence(token: string, deps: { store: Store; audience: string; now: Date; keyCache?: Map<string, CryptoKey> }): Promise<VerifiedEvidence> {
  if (token.length > MAX_EVIDENCE_BYTES) throw new ProblemError('payload-too-large');
  if (!COMPACT_JWS.test(token)) throw new ProblemError('evidence-malformed', 'expected a compact JWS (three base64url parts)');
  if (!isCanonicalBase64url(token)) throw new ProblemError('evidence-malformed', 'a part is not canonical base64url');
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    throw new ProblemError('evidence-malformed', 'the protected header is not valid base64url JSON');
  }
  if (header.alg !== ALG) throw new ProblemError('evidence-algorithm-rejected', `alg must be ${ALG}`);
  if (header.typ !== EAT_JWT_TYP) throw new ProblemError('evidence-type-rejected', `typ must be ${EAT_JWT_TYP}`);
  for (const h of FORBIDDEN_HEADERS) {
    if (h in header) throw new ProblemError('evidence-malformed', `header parameter "${h}" is not accepted`);
  }
  if (typeof header.kid !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(header.kid)) throw new ProblemError('evidence-unknown-key', 'kid must be the device key thumbprint');

  const device = await deps.store.getDeviceByJkt(header.kid);
  if (!device) throw new ProblemError('evidence-unknown-key');

  let key = deps.keyCache?.get(device.jkt);
  if (!key) {
    key = (await importJWK({ ...device.publicJwk, alg: ALG }, ALG)) as CryptoKey;
    deps.keyCache?.set(device.jkt, key);
  }

  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [ALG],
      typ: EAT_JWT_TYP,
      audience: deps.audience,
      currentDate: deps.now,
      clockTolerance: MAX_SKEW_S,
      requiredClaims: ['iss', 'aud', 'iat', 'exp', 'jti'],
    }));
  } catch (e) {
    throw mapJoseError(e);
  }

  // Only a holder of the key learns that its device is revoked (no oracle for thumbprints).
  if (device.revokedAt !== undefined) throw new ProblemError('device-revoked');
  const nowS = Math.floor(deps.now.getTime() / 1000);
  const iat = payload.iat as number;
  const exp = payload.exp as number;
  if (iat > nowS + MAX_SKEW_S) throw new ProblemError('evidence-expired', 'iat is in the future');
  if (exp - iat > EVIDENCE_MAX_LIFETIME_S) throw new ProblemError('evidence-expired', `evidence may live at most ${EVIDENCE_MAX_LIFETIME_S} s`);
  if (payload.eat_profile !== EVIDENCE_PROFILE) throw new ProblemError('evidence-type-rejected', 'eat_profile is not the evidence profile');
  if (payload.iss !== device.id) throw new ProblemError('evidence-issuer-mismatch');
  assertClaims(payload);
  return { device, claims: payload };
}

// Compiled once: checking every attestation's claims is on the ingest hot path.
const CLAIMS_CHECK = TypeCompiler.Compile(EvidenceClaimsSchema);
const FACTS_CHECKS = Object.fromEntries(CHECK_IDS.map((id) => [id, TypeCompiler.Compile(FACTS_SCHEMAS[id])])) as Record<CheckId, ReturnType<typeof TypeCompiler.Compile>>;

function assertClaims(payload: Record<string, unknown>): asserts payload is EvidenceClaims {
  if (!CLAIMS_CHECK.Check(payload)) {
    const first = [...CLAIMS_CHECK.Errors(payload)][0];
    throw new ProblemError('evidence-claims-invalid', `${first?.path || '/'}: ${first?.message ?? 'invalid'}`);
  }
  for (const [id, sub] of Object.entries(payload.submods)) {
    if (!(CHECK_IDS as readonly string[]).includes(id)) throw new ProblemError('evidence-claims-invalid', `/submods/${id}: unknown check`);
    const check = FACTS_CHECKS[id as CheckId];
    if (Object.keys(sub.facts).length > 0 && !check.Check(sub.facts)) {
      const first = [...check.Errors(sub.facts)][0];
      throw new ProblemError('evidence-claims-invalid', `/submods/${id}/facts${first?.path ?? ''}: ${first?.message ?? 'invalid'}`);
    }
  }
}

function mapJoseError(e: unknown): ProblemError {
  if (e instanceof errors.JWSSignatureVerificationFailed) return new ProblemError('evidence-signature-invalid');
  if (e instanceof errors.JWTExpired) return new ProblemError('evidence-expired');
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'aud') return new ProblemError('evidence-audience-mismatch');
    if (e.claim === 'typ') return new ProblemError('evidence-type-rejected');
    if (e.claim === 'nbf' || e.claim === 'iat' || e.claim === 'exp') return new ProblemError('evidence-expired', e.message);
    return new ProblemError('evidence-claims-invalid', e.message);
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return new ProblemError('evidence-algorithm-rejected');
  if (e instanceof errors.JWTInvalid || e instanceof errors.JWSInvalid) return new ProblemError('evidence-malformed', (e as Error).message);
  return new ProblemError('evidence-malformed', 'the token could not be verified');
}

/**
 * True when every part decodes and re-encodes to itself: base64url with non-zero unused
 * bits in the last character decodes to the same bytes, which would let one signature be
 * written several ways.
 */
export function isCanonicalBase64url(token: string): boolean {
  return token.split('.').every((part) => Buffer.from(part, 'base64url').toString('base64url') === part);
}
