/** Request and response bodies of the service API (v1), as schemas that are also the types. */
import { Type, type Static } from '@sinclair/typebox';
import './formats.js';

/** JOSE `typ` of the enrolment proof of possession. */
export const ENROLL_POP_TYP = 'enroll-pop+jwt' as const;

export const PublicJwkSchema = Type.Object(
  {
    kty: Type.Literal('EC'),
    crv: Type.Literal('P-256'),
    x: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
    y: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
    kid: Type.Optional(Type.String({ maxLength: 64 })),
    alg: Type.Optional(Type.Literal('ES256')),
    use: Type.Optional(Type.Literal('sig')),
  },
  { additionalProperties: false },
);

export const EnrollmentRequestSchema = Type.Object(
  {
    code: Type.String({ minLength: 8, maxLength: 128 }),
    jwk: PublicJwkSchema,
    /** Compact JWS by the device key: header `{alg: ES256, typ: enroll-pop+jwt}`, payload `{code_hash, aud, iat}`. */
    proof: Type.String({ minLength: 16, maxLength: 4096 }),
    platform: Type.Optional(Type.Union([Type.Literal('linux'), Type.Literal('darwin'), Type.Literal('win32')])),
    hostname: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false },
);
export type EnrollmentRequest = Static<typeof EnrollmentRequestSchema>;

/**
 * The identity provider the service verifies MFA with (issue 4): the agent signs the user in
 * there (authorization code + PKCE, loopback redirect) as the public client `client_id`,
 * asking for `acr_values`/`max_age` when set.
 */
export const IdpHintSchema = Type.Object({
  issuer: Type.String({ maxLength: 512 }),
  client_id: Type.String({ maxLength: 256 }),
  acr_values: Type.Optional(Type.String({ maxLength: 512 })),
  max_age: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type IdpHint = Static<typeof IdpHintSchema>;

export const EnrollmentResponseSchema = Type.Object({
  device_id: Type.String(),
  user: Type.String(),
  groups: Type.Array(Type.String()),
  jkt: Type.String(),
  /** Present when the service verifies MFA with an OIDC identity provider. */
  idp: Type.Optional(IdpHintSchema),
});
export type EnrollmentResponse = Static<typeof EnrollmentResponseSchema>;

export const ChallengeResponseSchema = Type.Object({
  nonce: Type.String(),
  expires_at: Type.String(),
});
export type ChallengeResponse = Static<typeof ChallengeResponseSchema>;

/**
 * `POST /v1/sign-in/challenges`: a single-use evidence nonce that lives long enough for a
 * person to sign in at the IdP (minutes, not seconds). The agent uses it as the OIDC
 * `nonce` and then as the `eat_nonce` of the evidence that carries the ID token.
 */
export const SignInChallengeResponseSchema = Type.Object({
  nonce: Type.String(),
  expires_at: Type.String(),
  idp: IdpHintSchema,
});
export type SignInChallengeResponse = Static<typeof SignInChallengeResponseSchema>;

export const VerdictSchema = Type.Object({
  decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
  reasons: Type.Array(Type.String()),
  message: Type.String(),
  warnings: Type.Optional(Type.Array(Type.Object({ code: Type.String(), message: Type.String(), until: Type.Optional(Type.String()) }))),
});

export const AttestationResponseSchema = Type.Object({
  device_id: Type.String(),
  posture_token: Type.String(),
  ear_status: Type.String(),
  expires_at: Type.String(),
  fresh_until: Type.String(),
  resources: Type.Record(Type.String(), VerdictSchema),
  segments: Type.Record(Type.String(), Type.Object({ satisfied: Type.Boolean(), reasons: Type.Array(Type.String()) })),
  /** The strictest requirements over the device user's segments: the agent's local verdict uses them. */
  requirements: Type.Record(Type.String(), Type.Unknown()),
  /** Seconds until the agent should attest again. */
  next_attestation_in: Type.Integer(),
  /** Present when the service verifies MFA with an OIDC identity provider. */
  idp: Type.Optional(IdpHintSchema),
});
export type AttestationResponse = Static<typeof AttestationResponseSchema>;

export const DeviceViewSchema = Type.Object({
  device_id: Type.String(),
  user: Type.String(),
  groups: Type.Array(Type.String()),
  jkt: Type.String(),
  enrolled_at: Type.String(),
  revoked_at: Type.Optional(Type.String()),
  platform: Type.Optional(Type.String()),
  hostname: Type.Optional(Type.String()),
  attested_at: Type.Optional(Type.String()),
  fresh_until: Type.Optional(Type.String()),
  fresh: Type.Boolean(),
  ear_status: Type.String(),
  resources: Type.Record(Type.String(), VerdictSchema),
  checks: Type.Record(Type.String(), Type.Object({ status: Type.String(), reasons: Type.Array(Type.String()) })),
});
export type DeviceView = Static<typeof DeviceViewSchema>;

/** CAEP event type of the SETs `POST /v1/events/poll` delivers. */
export const CAEP_DEVICE_COMPLIANCE_CHANGE = 'https://schemas.openid.net/secevent/caep/event-type/device-compliance-change' as const;

/**
 * `POST /v1/events/poll` request (RFC 8936 §2.4). `ack` and the keys of `setErrs` are jtis
 * of SETs the receiver has processed (both end redelivery). Long polling is not offered:
 * `returnImmediately: false` is accepted and treated as `true`.
 */
export const EventsPollRequestSchema = Type.Object(
  {
    ack: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 1000 })),
    setErrs: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 64 }),
        Type.Object({ err: Type.String({ maxLength: 64 }), description: Type.Optional(Type.String({ maxLength: 1024 })) }, { additionalProperties: false }),
        { maxProperties: 1000 },
      ),
    ),
    maxEvents: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    returnImmediately: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type EventsPollRequest = Static<typeof EventsPollRequestSchema>;

/** `POST /v1/events/poll` response: SETs (compact JWS) by jti, and whether more are waiting. */
export const EventsPollResponseSchema = Type.Object({
  sets: Type.Record(Type.String(), Type.String()),
  moreAvailable: Type.Boolean(),
});
export type EventsPollResponse = Static<typeof EventsPollResponseSchema>;
