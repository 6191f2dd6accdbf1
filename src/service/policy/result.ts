/**
 * What `evaluatePosture` returns, as schemas (routes reuse them for responses) from
 * which the types derive. Reason codes are machine-readable (`<check>.<reason>`,
 * `expr.<name>`, `posture.stale`, `rbac.segment_not_granted`); messages are for people.
 */
import { Type, type Static } from '@sinclair/typebox';
import { CheckStatusSchema } from '../../shared/check-ids.js';
import { ENFORCEMENT_MODES } from './schema.js';

const Str = (maxLength = 2048) => Type.String({ maxLength });
const Reasons = Type.Array(Type.String({ maxLength: 160 }));

/**
 * Something that did not block: `warning` for a `warn-until` item before its date
 * (it will block from `until`), `notice` for a `notify` item (never blocks).
 */
export const PostureWarningSchema = Type.Object({
  kind: Type.Union([Type.Literal('warning'), Type.Literal('notice')]),
  /** The item's first reason code, e.g. `disk_encryption.system_volume_unencrypted`. */
  code: Str(160),
  /** Check id or expression name. */
  subject: Str(64),
  message: Str(),
  /** RFC 3339: when a warning becomes a block. */
  until: Type.Optional(Type.String({ format: 'date-time' })),
});
export type PostureWarning = Static<typeof PostureWarningSchema>;

/** How enforcement treated an item: `none` (it passed), `block`, `warn` or `notice`. */
export const EnforcementOutcomeSchema = Type.Object({
  mode: Type.Union(ENFORCEMENT_MODES.map((m) => Type.Literal(m))),
  until: Type.Optional(Type.String({ format: 'date-time' })),
  effect: Type.Union([Type.Literal('none'), Type.Literal('block'), Type.Literal('warn'), Type.Literal('notice')]),
});
export type EnforcementOutcome = Static<typeof EnforcementOutcomeSchema>;

/** One required check in one segment: the rule's outcome and what enforcement made of it. */
export const CheckVerdictSchema = Type.Object({
  status: CheckStatusSchema,
  summary: Str(),
  reasons: Reasons,
  remediation: Type.Optional(Str()),
  enforcement: EnforcementOutcomeSchema,
});
export type CheckVerdict = Static<typeof CheckVerdictSchema>;

/** One CEL expression in one segment; an evaluation error is `unknown`. */
export const ExpressionVerdictSchema = Type.Object({
  status: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('unknown')]),
  summary: Str(),
  reasons: Reasons,
  enforcement: EnforcementOutcomeSchema,
});
export type ExpressionVerdict = Static<typeof ExpressionVerdictSchema>;

/** One segment: satisfied iff the evidence is fresh and nothing blocks. */
export const SegmentVerdictSchema = Type.Object({
  satisfied: Type.Boolean(),
  /** Why it is not satisfied (blocking items' reason codes, `posture.stale`); empty when satisfied. */
  reasons: Reasons,
  warnings: Type.Array(PostureWarningSchema),
  checks: Type.Record(Type.String(), CheckVerdictSchema),
  expressions: Type.Record(Type.String(), ExpressionVerdictSchema),
  max_evidence_age_seconds: Type.Integer({ minimum: 0 }),
});
export type SegmentVerdict = Static<typeof SegmentVerdictSchema>;

/** One resource: allow iff the user's groups grant its segment and the segment is satisfied. */
export const ResourceVerdictSchema = Type.Object({
  segment: Str(64),
  decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
  reasons: Reasons,
  /** One sentence naming what to fix (or that access is allowed). */
  message: Str(),
  warnings: Type.Array(PostureWarningSchema),
});
export type ResourceVerdict = Static<typeof ResourceVerdictSchema>;

/** EAR statuses the engine produces (`none` is the service's, for devices never evaluated). */
export const EAR_STATUSES = ['affirming', 'warning', 'contraindicated'] as const;
export type EarStatus = (typeof EAR_STATUSES)[number];

export const PostureResultSchema = Type.Object({
  /**
   * `contraindicated` if a resource the user's groups grant is denied for posture;
   * `warning` if nothing granted is denied but a granted, allowed resource carries a
   * `warn-until` warning (notices do not count); `affirming` otherwise.
   */
  ear_status: Type.Union(EAR_STATUSES.map((s) => Type.Literal(s))),
  /** SHA-256 of the policy file the verdict was reached under. */
  policy_revision: Str(64),
  segments: Type.Record(Type.String(), SegmentVerdictSchema),
  resources: Type.Record(Type.String(), ResourceVerdictSchema),
  /** RFC 3339: when this verdict stops holding (evidence expiry or a warn-until deadline). */
  fresh_until: Type.String({ format: 'date-time' }),
});
export type PostureResult = Static<typeof PostureResultSchema>;
