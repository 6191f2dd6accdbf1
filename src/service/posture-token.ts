/**
 * Attestation results (posture tokens): signed by the service, bound to the device key
 * (`cnf.jkt`), short-lived, and never interchangeable with evidence (other profile).
 */
import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { ALG, EAT_JWT_TYP, RESULT_PROFILE } from '../shared/claims.js';
import type { ServiceKeys } from './keys.js';
import { isCanonicalBase64url } from './verify-evidence.js';
import type { DeviceState } from './store/types.js';

export interface ResultClaims extends JWTPayload {
  eat_profile: typeof RESULT_PROFILE;
  iss: string;
  sub: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  cnf: { jkt: string };
  ear_status: DeviceState['earStatus'];
  ear_verifier_id: { developer: string; build: string };
  submods: Record<string, { ear_status: string }>;
  resources: Record<string, { decision: 'allow' | 'deny'; reasons: string[] }>;
}

const CHECK_TO_EAR: Record<string, string> = { pass: 'affirming', fail: 'contraindicated', unknown: 'none', unsupported: 'none' };

/** Signs the posture token for a device's new state. */
export async function signPostureToken(
  keys: ServiceKeys,
  opts: { issuer: string; deviceId: string; jkt: string; state: DeviceState; ttlSeconds: number; now: Date; build: string },
): Promise<{ token: string; claims: ResultClaims }> {
  const iat = Math.floor(opts.now.getTime() / 1000);
  const claims: ResultClaims = {
    eat_profile: RESULT_PROFILE,
    iss: opts.issuer,
    sub: opts.deviceId,
    aud: opts.issuer,
    iat,
    exp: iat + opts.ttlSeconds,
    jti: opts.state.resultJti,
    cnf: { jkt: opts.jkt },
    ear_status: opts.state.earStatus,
    ear_verifier_id: { developer: 'ai-factory-posture', build: opts.build },
    submods: Object.fromEntries(Object.entries(opts.state.checks).map(([id, c]) => [id, { ear_status: CHECK_TO_EAR[c.status] ?? 'none' }])),
    resources: Object.fromEntries(Object.entries(opts.state.resources).map(([r, v]) => [r, { decision: v.decision, reasons: v.reasons }])),
  };
  const key = keys.signing();
  const token = await new SignJWT(claims).setProtectedHeader({ alg: ALG, typ: EAT_JWT_TYP, kid: key.kid }).sign(key.privateKey);
  return { token, claims };
}

/** A fresh random token id. */
export function newJti(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Verifies a posture token: a published service kid, ES256, exact typ and the result
 * profile, this issuer and audience, not expired. Returns undefined when invalid.
 */
export async function verifyPostureToken(keys: ServiceKeys, token: string, opts: { issuer: string; now: Date }): Promise<ResultClaims | undefined> {
  if (token.length > 16 * 1024 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token) || !isCanonicalBase64url(token)) return undefined;
  let kid: unknown;
  try {
    const h = decodeProtectedHeader(token);
    if (h.alg !== ALG || h.typ !== EAT_JWT_TYP) return undefined;
    kid = h.kid;
  } catch {
    return undefined;
  }
  if (typeof kid !== 'string' || kid.length > 64) return undefined;
  if (!keys.verificationKey(kid)) await keys.refreshFor(kid);
  const key = keys.verificationKey(kid);
  if (!key) return undefined;
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: [ALG], typ: EAT_JWT_TYP, issuer: opts.issuer, audience: opts.issuer, currentDate: opts.now, requiredClaims: ['sub', 'exp', 'iat', 'jti'] });
    if (payload.eat_profile !== RESULT_PROFILE || typeof payload.sub !== 'string') return undefined;
    const cnf = payload.cnf as { jkt?: unknown } | undefined;
    if (typeof cnf?.jkt !== 'string') return undefined;
    return payload as ResultClaims;
  } catch {
    return undefined;
  }
}
