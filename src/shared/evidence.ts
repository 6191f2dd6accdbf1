/** The evidence token's claims (DESIGN §5), as a schema that is also the type. */
import { Type, type Static } from '@sinclair/typebox';
import { CheckStatusSchema, GapSchema, PlatformSchema, UnknownReasonSchema } from './check-ids.js';
import { EVIDENCE_PROFILE, NONCE_PATTERN } from './claims.js';

export const EvidenceSubmodSchema = Type.Object(
  {
    status: CheckStatusSchema,
    facts: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown()),
    reasons: Type.Array(Type.String({ maxLength: 128 }), { maxItems: 32 }),
    unknown_reason: Type.Optional(UnknownReasonSchema),
    gaps: Type.Optional(Type.Array(GapSchema, { maxItems: 64 })),
    probes: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 128 })),
    collected_at: Type.String({ format: 'date-time', maxLength: 40 }),
  },
  { additionalProperties: false },
);
export type EvidenceSubmod = Static<typeof EvidenceSubmodSchema>;

export const DeviceInfoSchema = Type.Object(
  {
    platform: PlatformSchema,
    arch: Type.Optional(Type.String({ maxLength: 32 })),
    /** HMAC of the OS machine id with an app salt (never the raw id). */
    machine_id_hash: Type.Optional(Type.String({ maxLength: 64 })),
    hostname: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false },
);

export const EvidenceClaimsSchema = Type.Object(
  {
    eat_profile: Type.Literal(EVIDENCE_PROFILE),
    iss: Type.String({ minLength: 1, maxLength: 256 }),
    aud: Type.String({ minLength: 1, maxLength: 2048 }),
    iat: Type.Integer({ minimum: 0 }),
    exp: Type.Integer({ minimum: 0 }),
    jti: Type.String({ minLength: 16, maxLength: 64 }),
    eat_nonce: Type.String({ pattern: NONCE_PATTERN }),
    swname: Type.String({ maxLength: 64 }),
    swversion: Type.String({ maxLength: 64 }),
    device: DeviceInfoSchema,
    submods: Type.Record(Type.String({ pattern: '^[a-z_]{1,32}$' }), EvidenceSubmodSchema, { maxProperties: 32 }),
  },
  { additionalProperties: false },
);
export type EvidenceClaims = Static<typeof EvidenceClaimsSchema>;
