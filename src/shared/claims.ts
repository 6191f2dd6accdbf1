/**
 * Every JOSE header value and claim name the evidence and the attestation result use.
 * Names follow the Entity Attestation Token (RFC 9711) and, for results, EAR
 * (draft-ietf-rats-ear). Evidence and results have different profiles so that one can
 * never be accepted as the other.
 */

/** The only signature algorithm accepted anywhere (RFC 8725: fixed allowlist). */
export const ALG = 'ES256' as const;

/** JOSE `typ` of both tokens; their `eat_profile` tells them apart. */
export const EAT_JWT_TYP = 'eat+jwt' as const;

/** Media type of an evidence POST body. */
export const EAT_JWT_MEDIA_TYPE = 'application/eat+jwt' as const;

/** EAT profile of evidence (tag URI, RFC 4151). */
export const EVIDENCE_PROFILE = 'tag:ai-factory-posture.dev,2026:evidence/v1' as const;

/** EAT profile of attestation results (posture tokens). */
export const RESULT_PROFILE = 'tag:ai-factory-posture.dev,2026:result/v1' as const;

/** Most seconds an evidence token may live (`exp - iat`). */
export const EVIDENCE_MAX_LIFETIME_S = 120;

/** EAT nonces are 8 to 64 bytes (RFC 9711 §4.1); as text we accept this alphabet. */
export const NONCE_PATTERN = '^[A-Za-z0-9_\\-]{8,88}$';

export const CLAIM = {
  profile: 'eat_profile',
  nonce: 'eat_nonce',
  submods: 'submods',
  swname: 'swname',
  swversion: 'swversion',
  /** Device inventory facts (hashed machine id, OS, architecture). */
  device: 'device',
  /** Attestation result claims (EAR). */
  earStatus: 'ear_status',
  earVerifierId: 'ear_verifier_id',
  cnf: 'cnf',
} as const;

/** Claim names inside each evidence submod (one submod per check). */
export const SUBMOD_CLAIM = {
  status: 'status',
  facts: 'facts',
  reasons: 'reasons',
  unknownReason: 'unknown_reason',
  gaps: 'gaps',
  probes: 'probes',
  collectedAt: 'collected_at',
} as const;
