/**
 * Verifies an OIDC ID token the way the service trusts it (OIDC Core §3.1.3.7, RFC 8725):
 * the configured issuer only, a signature by a key of that issuer's JWKS (asymmetric
 * algorithms only), `aud` (and `azp`) = the configured client id, `exp`/`iat` with 60 s
 * skew, the expected `nonce` on a first presentation, and the configured user claim equal
 * to the device's enrolled user.
 */
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { idTokenFacts, type IdTokenFacts, type IdTokenRejection } from '../../shared/facts/mfa.js';
import type { OidcConfig } from '../config.js';
import { IdpUnavailableError, type IssuerKeys } from './issuer-keys.js';

/** Asymmetric JWS algorithms only: `none` and HMAC (a shared secret a public client lacks) never verify. */
export const ID_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
export const ID_TOKEN_SKEW_S = 60;

export type IdTokenVerdict =
  | { ok: true; claims: JWTPayload; facts: IdTokenFacts }
  | { ok: false; code: IdTokenRejection; detail: string };

export interface VerifyIdTokenInput {
  oidc: OidcConfig;
  keys: IssuerKeys;
  now: Date;
  /** The device's enrolled user. */
  user: string;
  /** The `nonce` the token must carry; undefined skips the check. */
  nonce?: string;
}

const reject = (code: IdTokenRejection, detail: string): IdTokenVerdict => ({ ok: false, code, detail });

/** Verifies `token`; never throws: every failure is a rejection with a code. */
export async function verifyIdToken(token: string, input: VerifyIdTokenInput): Promise<IdTokenVerdict> {
  const { oidc } = input;
  let unverified: JWTPayload;
  let alg: unknown;
  try {
    unverified = decodeJwt(token);
    alg = decodeProtectedHeader(token).alg;
  } catch {
    return reject('claims-invalid', 'not a JWT');
  }
  // Checked before any key is fetched: a token names its issuer, and we fetch only ours.
  if (unverified.iss !== oidc.issuer) return reject('issuer-unknown', `issuer ${String(unverified.iss).slice(0, 200)} is not the configured ${oidc.issuer}`);
  if (typeof alg !== 'string' || !ID_TOKEN_ALGORITHMS.includes(alg)) return reject('signature-invalid', `algorithm ${String(alg).slice(0, 20)} is not accepted`);
  let claims: JWTPayload;
  try {
    const keySet = await input.keys.keySet();
    ({ payload: claims } = await jwtVerify(token, keySet, {
      issuer: oidc.issuer,
      audience: oidc.clientId,
      algorithms: ID_TOKEN_ALGORITHMS,
      currentDate: input.now,
      clockTolerance: ID_TOKEN_SKEW_S,
      requiredClaims: ['sub', 'iat', 'exp'],
    }));
  } catch (e) {
    return mapError(e);
  }
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if ((aud.length > 1 || claims.azp !== undefined) && claims.azp !== oidc.clientId) return reject('audience-mismatch', 'azp is not the configured client id');
  if (typeof claims.iat === 'number' && claims.iat > input.now.getTime() / 1000 + ID_TOKEN_SKEW_S) return reject('claims-invalid', 'iat is in the future');
  if (input.nonce !== undefined && claims.nonce !== input.nonce) return reject('nonce-mismatch', 'the nonce is not the evidence nonce of this sign-in');
  const who = claims[oidc.userClaim];
  if (typeof who !== 'string' || who.length === 0) return reject('claims-invalid', `the ID token has no ${oidc.userClaim} claim`);
  if (oidc.userClaim === 'email' && claims.email_verified === false) return reject('claims-invalid', 'the email is not verified by the identity provider');
  if (normaliseUser(who) !== normaliseUser(input.user)) return reject('user-mismatch', `the ID token is for ${who.slice(0, 200)}, the device is enrolled for ${input.user}`);
  return { ok: true, claims, facts: idTokenFacts(claims) };
}

/** Users compare case-insensitively (IdPs treat usernames and emails so). */
function normaliseUser(u: string): string {
  return u.trim().toLowerCase();
}

function mapError(e: unknown): IdTokenVerdict {
  if (e instanceof IdpUnavailableError) return reject('idp-unavailable', e.message);
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid) return reject('idp-unavailable', (e as Error).message);
  if (e instanceof errors.JWTExpired) return reject('expired', 'the ID token has expired');
  if (e instanceof errors.JWSSignatureVerificationFailed || e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys) {
    return reject('signature-invalid', "the signature does not verify with the identity provider's keys");
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return reject('signature-invalid', 'algorithm not accepted');
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'aud') return reject('audience-mismatch', 'the ID token was issued to another client');
    if (e.claim === 'iss') return reject('issuer-unknown', 'unexpected issuer');
    return reject('claims-invalid', e.message);
  }
  if (e instanceof errors.JOSEError) return reject('claims-invalid', e.message);
  // A network failure fetching the JWKS (fetch rejects with a TypeError).
  return reject('idp-unavailable', (e as Error)?.message ?? 'the identity provider keys could not be fetched');
}
