/**
 * The policy file's schema (DESIGN §7). The schema is the type: everything a policy
 * author can write is declared here once, and `PolicyDocument` is derived from it.
 * What a schema cannot say (cross references, real dates, compiling CEL) is checked
 * by `validate.ts` after this schema passes.
 */
import { Type, type Static } from '@sinclair/typebox';
import { RequirementsSchema } from '../../shared/requirements.js';

/** Resource and segment names: lowercase, URL- and log-safe. */
export const NAME_PATTERN = '^[a-z0-9][a-z0-9._-]{0,62}$';
/** Expression names end up in reason codes (`expr.<name>`), so they are identifiers. */
export const EXPRESSION_NAME_PATTERN = '^[a-z][a-z0-9_]{0,62}$';
/** Group names come from an IdP or directory: printable, no control characters. */
export const GROUP_NAME_PATTERN = '^[^\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]{0,127}$';
/** A lowercase DNS name (no port, no trailing dot). */
export const HOST_PATTERN = '^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$';

/** `30s`, `15m`, `12h`, `7d`; parsed and range-checked by `parseDuration`. */
export const DurationSchema = Type.String({ minLength: 2, maxLength: 16, description: 'A duration such as 30s, 15m, 12h or 7d' });

/** Graduated roll-out: `block` (default), `warn-until` a date, `notify` only. */
export const ENFORCEMENT_MODES = ['block', 'warn-until', 'notify'] as const;
export type EnforcementMode = (typeof ENFORCEMENT_MODES)[number];

/**
 * How a failing (or unknown) check or expression is enforced. `block` (the default)
 * denies; `warn-until` warns until `until` and blocks from then on; `notify` never
 * denies and records a notice.
 */
export const EnforcementSchema = Type.Object(
  {
    mode: Type.Union(ENFORCEMENT_MODES.map((m) => Type.Literal(m))),
    /** `YYYY-MM-DD` (midnight UTC) or an RFC 3339 date-time; required with `warn-until`. */
    until: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type EnforcementSpec = Static<typeof EnforcementSchema>;

/** A CEL expression over `facts`, `device` and `now` that must be true. */
export const ExpressionSchema = Type.Object(
  {
    name: Type.String({ pattern: EXPRESSION_NAME_PATTERN }),
    expr: Type.String({ minLength: 1, maxLength: 2048 }),
    /** What a person reads when the expression is false. */
    message: Type.String({ minLength: 1, maxLength: 512 }),
  },
  { additionalProperties: false },
);
export type ExpressionSpec = Static<typeof ExpressionSchema>;

/** A class of resources and what a device must prove to reach it. */
export const SegmentSchema = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    /** Evidence older than this no longer counts; defaults to `defaults.max_evidence_age`. */
    max_evidence_age: Type.Optional(DurationSchema),
    requirements: RequirementsSchema,
    expressions: Type.Optional(Type.Array(ExpressionSchema, { maxItems: 32 })),
    /** Keyed by check id or expression name of this segment; anything unlisted blocks. */
    enforcement: Type.Optional(
      Type.Record(Type.String({ pattern: EXPRESSION_NAME_PATTERN }), EnforcementSchema, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
export type SegmentSpec = Static<typeof SegmentSchema>;

/** Where requests for a resource arrive: exact hosts, one path prefix. */
export const ResourceMatchSchema = Type.Object(
  {
    hosts: Type.Array(Type.String({ pattern: HOST_PATTERN }), { minItems: 1, maxItems: 32 }),
    /** Path prefix matched on segment boundaries; defaults to `/`. */
    path_prefix: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, pattern: '^/' })),
  },
  { additionalProperties: false },
);

/** A protected resource; its segment decides the requirements. */
export const ResourceSchema = Type.Object(
  {
    name: Type.String({ pattern: NAME_PATTERN }),
    segment: Type.String({ pattern: NAME_PATTERN }),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    match: ResourceMatchSchema,
  },
  { additionalProperties: false },
);
export type ResourceSpec = Static<typeof ResourceSchema>;

/** RBAC: the segments a user group may use. */
export const GroupSchema = Type.Object(
  { segments: Type.Array(Type.String({ pattern: NAME_PATTERN }), { maxItems: 64 }) },
  { additionalProperties: false },
);
export type GroupSpec = Static<typeof GroupSchema>;

/** The whole policy file. */
export const PolicyDocumentSchema = Type.Object(
  {
    version: Type.Literal(1),
    defaults: Type.Optional(
      Type.Object({ max_evidence_age: Type.Optional(DurationSchema) }, { additionalProperties: false }),
    ),
    segments: Type.Record(Type.String({ pattern: NAME_PATTERN }), SegmentSchema, {
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 64,
    }),
    resources: Type.Optional(Type.Array(ResourceSchema, { maxItems: 1000 })),
    groups: Type.Optional(
      Type.Record(Type.String({ pattern: GROUP_NAME_PATTERN }), GroupSchema, { additionalProperties: false, maxProperties: 1000 }),
    ),
  },
  { additionalProperties: false },
);
export type PolicyDocument = Static<typeof PolicyDocumentSchema>;

/** Evidence age used when neither the segment nor `defaults` sets one. */
export const DEFAULT_MAX_EVIDENCE_AGE = '15m';
