/** Facts of the `mfa` check. The IdP part (OIDC ID token) comes from the agent's sign-in. */
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
  },
  { additionalProperties: false },
);
export type MfaFacts = Static<typeof MfaFactsSchema>;
