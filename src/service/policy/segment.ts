/**
 * One segment's verdict: every required check through its rule, every expression
 * through CEL, then enforcement. Nothing that is not a `pass` counts as one: a
 * missing reading, facts of the wrong shape, a rule that throws, `unknown` and
 * `unsupported` all fail closed under `block`.
 */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { CHECK_IDS, CHECK_STATUSES, type CheckId, type CheckStatus, type Gap, type Platform, type UnknownReason } from '../../shared/check-ids.js';
import { FACTS_SCHEMAS, type FactsByCheck } from '../../shared/facts/index.js';
import type { Requirements } from '../../shared/requirements.js';
import type { Rule, RuleOutcome } from '../../shared/rules/findings.js';
import type { CelContext } from './cel.js';
import { formatDay } from './duration.js';
import { CHECK_NAMES, CHECK_SUBJECTS } from './labels.js';
import { DEFAULT_ENFORCEMENT, type PolicyEnforcement, type PolicySegment } from './model.js';
import type { CheckVerdict, EnforcementOutcome, ExpressionVerdict, PostureWarning, SegmentVerdict } from './result.js';

/** One rule per check; the service passes the real ones, tests pass doubles. */
export type RuleRegistry = { [K in CheckId]: Rule<FactsByCheck[K], NonNullable<Requirements[K]>> };

/** A check's entry in the evidence, as far as the policy engine reads it. */
export interface SubmodInput {
  status: CheckStatus;
  facts: Record<string, unknown>;
  unknown_reason?: UnknownReason;
  gaps?: Gap[];
}

/** What every segment of one evaluation shares. */
export interface SegmentContext {
  submods: Partial<Record<CheckId, SubmodInput>>;
  now: Date;
  platform: Platform;
  cel: CelContext;
  /** Milliseconds since the evidence was collected; NaN when unknown. */
  evidenceAgeMs: number;
}

const FACT_CHECKERS = Object.fromEntries(
  CHECK_IDS.map((id) => [id, TypeCompiler.Compile(FACTS_SCHEMAS[id] as TSchema)]),
) as Record<CheckId, TypeCheck<TSchema>>;
const STATUS_SET: ReadonlySet<string> = new Set(CHECK_STATUSES);

function unknownOutcome(id: CheckId, code: string, summary: string, reason: UnknownReason): RuleOutcome {
  return { status: 'unknown', summary, reasons: [`${id}.${code}`], unknownReason: reason };
}

/** Runs `id`'s rule on its submod; never throws, never invents a pass. */
export function runCheck<K extends CheckId>(id: K, requirement: NonNullable<Requirements[K]>, ctx: SegmentContext, rules: RuleRegistry): RuleOutcome {
  const submod = Object.hasOwn(ctx.submods, id) ? ctx.submods[id] : undefined;
  if (!submod) return unknownOutcome(id, 'not_collected', `No ${CHECK_NAMES[id]} reading was sent.`, 'not-collected');
  let facts: FactsByCheck[K] | undefined;
  const raw = submod.facts;
  if (FACT_CHECKERS[id].Check(raw)) facts = raw as unknown as FactsByCheck[K];
  else if (typeof raw === 'object' && raw !== null && Object.keys(raw).length > 0) {
    return unknownOutcome(id, 'facts_invalid', `The ${CHECK_NAMES[id]} facts do not match the evidence profile.`, 'parse-error');
  }
  try {
    const rule = rules[id] as Rule<FactsByCheck[K], NonNullable<Requirements[K]>>;
    const out = rule({ facts, gaps: submod.gaps ?? [], requirement, now: ctx.now, platform: ctx.platform });
    if (!out || !STATUS_SET.has(out.status)) throw new Error('rule returned no status');
    const reasons = Array.isArray(out.reasons) ? out.reasons.filter((r) => typeof r === 'string') : [];
    if (out.status !== 'pass' && reasons.length === 0) reasons.push(`${id}.${out.status}`);
    const unknownReason = out.status === 'unknown' ? (out.unknownReason ?? submod.unknown_reason) : out.unknownReason;
    return { ...out, reasons, unknownReason };
  } catch {
    return unknownOutcome(id, 'rule_error', `The ${CHECK_NAMES[id]} rule failed; this is a bug in the posture service.`, 'internal-error');
  }
}

function enforce(passed: boolean, e: PolicyEnforcement, nowMs: number): EnforcementOutcome {
  const until = e.untilMs !== undefined ? new Date(e.untilMs).toISOString() : undefined;
  const base = until ? { mode: e.mode, until } : { mode: e.mode };
  if (passed) return { ...base, effect: 'none' };
  if (e.mode === 'notify') return { ...base, effect: 'notice' };
  if (e.mode === 'warn-until' && e.untilMs !== undefined && nowMs < e.untilMs) return { ...base, effect: 'warn' };
  return { ...base, effect: 'block' };
}

interface Item {
  subject: string;
  /** Sentence subject: "Disk encryption", or `The rule "<message>"` for an expression. */
  phrase: string;
  /** "required" for checks, "enforced" for expressions. */
  verb: string;
  /** The rule's or expression's own sentence about what it saw. */
  summary: string;
  reasons: string[];
  enforcement: EnforcementOutcome;
}

function warningFor(item: Item, segment: string): PostureWarning | undefined {
  const code = item.reasons[0] ?? item.subject;
  const { effect, until } = item.enforcement;
  if (effect === 'warn' && until) {
    const message = `${item.phrase} will be ${item.verb} for ${segment} from ${formatDay(new Date(until))}.`;
    return { kind: 'warning', code, subject: item.subject, message, until };
  }
  if (effect === 'notice') {
    return { kind: 'notice', code, subject: item.subject, message: `${item.summary.replace(/\.?\s*$/, '')} (${segment}: monitored, not enforced).` };
  }
  return undefined;
}

/** The verdict for one segment under `ctx`. */
export function evaluateSegment(segment: PolicySegment, ctx: SegmentContext, rules: RuleRegistry): SegmentVerdict {
  const nowMs = ctx.now.getTime();
  const items: Item[] = [];
  const checks: Record<string, CheckVerdict> = {};
  for (const id of CHECK_IDS) {
    const requirement = segment.requirements[id];
    if (requirement === undefined) continue;
    const out = runCheck(id, requirement as NonNullable<Requirements[typeof id]>, ctx, rules);
    const enforcement = enforce(out.status === 'pass', segment.enforcement.get(id) ?? DEFAULT_ENFORCEMENT, nowMs);
    checks[id] = { status: out.status, summary: out.summary, reasons: out.reasons, ...(out.remediation ? { remediation: out.remediation } : {}), enforcement };
    items.push({ subject: id, phrase: CHECK_SUBJECTS[id], verb: 'required', summary: out.summary, reasons: out.reasons, enforcement });
  }
  const expressions: Record<string, ExpressionVerdict> = {};
  for (const x of segment.expressions) {
    const r = x.program.evaluate(ctx.cel);
    const enforcement = enforce(r.status === 'pass', segment.enforcement.get(x.name) ?? DEFAULT_ENFORCEMENT, nowMs);
    const reasons = r.status === 'pass' ? [] : r.status === 'fail' ? [`expr.${x.name}`] : [`expr.${x.name}.unknown`];
    const summary = r.status === 'pass' ? `${x.name} holds.` : r.status === 'fail' ? x.message : `Could not evaluate ${x.name}: ${r.detail}`;
    expressions[x.name] = { status: r.status, summary, reasons, enforcement };
    items.push({ subject: x.name, phrase: `The rule "${x.message.replace(/\.$/, '')}"`, verb: 'enforced', summary, reasons, enforcement });
  }
  const stale = !(ctx.evidenceAgeMs <= segment.maxEvidenceAgeMs);
  const blocking = items.filter((i) => i.enforcement.effect === 'block');
  const reasons = [...new Set([...(stale ? ['posture.stale'] : []), ...blocking.flatMap((i) => i.reasons)])];
  const warnings = items.map((i) => warningFor(i, segment.name)).filter((w): w is PostureWarning => w !== undefined);
  return {
    satisfied: !stale && blocking.length === 0,
    reasons,
    warnings,
    checks,
    expressions,
    max_evidence_age_seconds: Math.floor(segment.maxEvidenceAgeMs / 1000),
  };
}
