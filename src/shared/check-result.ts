/** The result of one check and the posture report that collects them. */
import { Type, type Static } from '@sinclair/typebox';
import { CheckIdSchema, CheckStatusSchema, GapSchema, PlatformSchema, UnknownReasonSchema } from './check-ids.js';

export const CheckResultSchema = Type.Object(
  {
    id: CheckIdSchema,
    status: CheckStatusSchema,
    /** What was observed; the per-check schema in `facts/` describes it. */
    facts: Type.Record(Type.String(), Type.Unknown()),
    /** One sentence a person can read. */
    summary: Type.String({ maxLength: 1024 }),
    /** What to do about a failing or unknown check. */
    remediation: Type.Optional(Type.String({ maxLength: 2048 })),
    /** Machine-readable reason codes, e.g. `os_patch.security_updates_pending`. */
    reasons: Type.Array(Type.String({ maxLength: 128 }), { maxItems: 32 }),
    /** For `unknown`: the main reason. */
    unknownReason: Type.Optional(UnknownReasonSchema),
    /** Facts that could not be read. */
    gaps: Type.Array(GapSchema, { maxItems: 64 }),
    /** Probe keys that produced the facts. */
    probes: Type.Array(Type.String({ maxLength: 256 }), { maxItems: 128 }),
    collectedAt: Type.String({ format: 'date-time' }),
    durationMs: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type CheckResult = Static<typeof CheckResultSchema>;

export const PostureReportSchema = Type.Object(
  {
    platform: PlatformSchema,
    collectedAt: Type.String({ format: 'date-time' }),
    durationMs: Type.Number({ minimum: 0 }),
    /** `baseline`: judged against the built-in baseline; `service`: the last requirements received. */
    requirementsSource: Type.Union([Type.Literal('baseline'), Type.Literal('service'), Type.Literal('none')]),
    /** `live` on this machine, `replay` from a diagnose bundle. */
    mode: Type.Union([Type.Literal('live'), Type.Literal('replay')]),
    overall: CheckStatusSchema,
    checks: Type.Array(CheckResultSchema),
  },
  { additionalProperties: false },
);
export type PostureReport = Static<typeof PostureReportSchema>;
