/**
 * Facts of the `mfa` check. The local part (authenticators) comes from the device; the IdP
 * part comes from an OIDC ID token. The agent reports what its own sign-in saw, but the
 * service never trusts that: it re-verifies the ID token and replaces every IdP fact with
 * the verified values (or marks the token rejected).
 */
import { Type, type Static } from '@sinclair/typebox';

export const LocalAuthenticatorSchema = Type.Object(
  {
    /** `platform` (Touch ID, Windows Hello, TPM-backed) or `roaming` (FIDO2 security key). */
    kind: Type.Union([Type.Literal('platform'), Type.Literal('roaming')]),
    name: Type.String({ maxLength: 128 }),
    /** Set up for the current user (e.g. a Touch ID finger enrolled, Windows Hello NgcSet). */
    enrolled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type LocalAuthenticator = Static<typeof LocalAuthenticatorSchema>;

/**
 * Why the service refused an ID token (it then drops every IdP fact):
 * - `issuer-unknown`: not the issuer the service is configured with (nothing is fetched from it);
 * - `signature-invalid`: not signed by a key in the issuer's JWKS (forged, or another IdP's key);
 * - `expired`: past its `exp` (sign in again);
 * - `audience-mismatch`: issued to another client (`aud`/`azp` is not the configured client id);
 * - `nonce-mismatch`: a first presentation whose `nonce` is not this evidence's nonce;
 * - `user-mismatch`: the token's user is not the device's enrolled user;
 * - `replayed`: the token was already presented by another device;
 * - `reference-unknown`: the evidence names a token (by hash) this device never presented;
 * - `claims-invalid`: missing or malformed claims (`sub`, `iat`, user claim, unverified email);
 * - `idp-unavailable`: discovery or the JWKS could not be fetched (fail closed: unknown, not pass);
 * - `not-verifiable`: the service has no identity provider configured.
 */
export const ID_TOKEN_REJECTIONS = [
  'issuer-unknown',
  'signature-invalid',
  'expired',
  'audience-mismatch',
  'nonce-mismatch',
  'user-mismatch',
  'replayed',
  'reference-unknown',
  'claims-invalid',
  'idp-unavailable',
  'not-verifiable',
] as const;
export type IdTokenRejection = (typeof ID_TOKEN_REJECTIONS)[number];

/** base64url SHA-256 of the compact ID token. */
export const ID_TOKEN_HASH_PATTERN = '^[A-Za-z0-9_-]{43}$';

export const MfaFactsSchema = Type.Object(
  {
    localAuthenticators: Type.Array(LocalAuthenticatorSchema, { maxItems: 16 }),
    /** The IdP's issuer URL, when the agent is configured with one. */
    issuer: Type.Optional(Type.String({ maxLength: 512 })),
    subject: Type.Optional(Type.String({ maxLength: 256 })),
    username: Type.Optional(Type.String({ maxLength: 256 })),
    amr: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16 })),
    acr: Type.Optional(Type.String({ maxLength: 256 })),
    /** ISO 8601 time of the user's authentication at the IdP. */
    authTime: Type.Optional(Type.String({ maxLength: 40 })),
    phishingResistant: Type.Optional(Type.Boolean()),
    /**
     * The ID token itself as an EAT nested token (`["JWT", compact]`, RFC 9711 §4.2.18),
     * sent with the evidence of a fresh sign-in. The service verifies it and removes it.
     */
    idToken: Type.Optional(Type.Tuple([Type.Literal('JWT'), Type.String({ minLength: 16, maxLength: 16384, pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$' })])),
    /** SHA-256 (base64url) of an ID token this device presented before: later evidence names it. */
    idTokenHash: Type.Optional(Type.String({ pattern: ID_TOKEN_HASH_PATTERN })),
    /** Set by the service only: the IdP facts above come from an ID token it verified itself. */
    verified: Type.Optional(Type.Boolean()),
    /** Set by the service only: why it refused the ID token. */
    idTokenRejected: Type.Optional(Type.Union(ID_TOKEN_REJECTIONS.map((r) => Type.Literal(r)))),
  },
  { additionalProperties: false },
);
export type MfaFacts = Static<typeof MfaFactsSchema>;

/** The IdP facts an ID token gives, by claim. */
export type IdTokenFacts = Pick<MfaFacts, 'issuer' | 'subject' | 'username' | 'amr' | 'acr' | 'authTime' | 'phishingResistant'>;

/** RFC 8176 `hwk` (proof of possession of a hardware key), or a phishing-resistant `acr` (`phr`, `phrh`). */
export function isPhishingResistant(amr: readonly string[] | undefined, acr: string | undefined): boolean {
  return (amr ?? []).includes('hwk') || acr === 'phr' || acr === 'phrh';
}

/**
 * The IdP facts of verified ID token claims: `iss`, `sub`, `preferred_username` (else
 * `upn`, else `email`), `amr` (strings only), `acr`, `auth_time` (as ISO 8601). Pure; never throws.
 */
export function idTokenFacts(claims: Record<string, unknown>): IdTokenFacts {
  const str = (v: unknown, max: number): string | undefined => (typeof v === 'string' && v.length > 0 ? v.slice(0, max) : undefined);
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((a): a is string => typeof a === 'string').map((a) => a.slice(0, 64)).slice(0, 16) : undefined;
  const acr = str(claims.acr, 256);
  const authTime = typeof claims.auth_time === 'number' && Number.isFinite(claims.auth_time) ? new Date(claims.auth_time * 1000).toISOString() : undefined;
  const username = str(claims.preferred_username, 256) ?? str(claims.upn, 256) ?? str(claims.email, 256);
  const out: IdTokenFacts = {};
  const issuer = str(claims.iss, 512);
  const subject = str(claims.sub, 256);
  if (issuer) out.issuer = issuer;
  if (subject) out.subject = subject;
  if (username) out.username = username;
  if (amr) out.amr = amr;
  if (acr) out.acr = acr;
  if (authTime) out.authTime = authTime;
  out.phishingResistant = isPhishingResistant(amr, acr);
  return out;
}
