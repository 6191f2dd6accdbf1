/**
 * Runs every check concurrently and judges each against the requirements. One hung or
 * crashing check never blocks or hides the others: it becomes `unknown` with a reason.
 */
import { Value } from '@sinclair/typebox/value';
import type { CheckId, CheckStatus, Gap } from '../../shared/check-ids.js';
import type { CheckResult, PostureReport } from '../../shared/check-result.js';
import { FACTS_SCHEMAS } from '../../shared/facts/index.js';
import type { Requirements } from '../../shared/requirements.js';
import type { RuleOutcome } from '../../shared/rules/findings.js';
import type { ProbeRunner } from '../probes/types.js';
import type { AnyCheckDefinition, CheckDefinition, CollectContext, Observation } from './types.js';

export interface RunChecksOptions {
  checks: readonly AnyCheckDefinition[];
  context: CollectContext;
  requirements: Requirements;
  requirementsSource: PostureReport['requirementsSource'];
  mode: PostureReport['mode'];
  /** A whole check gives up after this long (default 20 s); its probes have their own timeouts. */
  checkTimeoutMs?: number;
}

/** Collects and judges every check; never throws for a check's failure. */
export async function runChecks(opts: RunChecksOptions): Promise<PostureReport> {
  const t0 = performance.now();
  const collectedAt = opts.context.now().toISOString();
  const checks = await Promise.all(opts.checks.map((c) => runOne(c, opts)));
  return {
    platform: opts.context.platform,
    collectedAt,
    durationMs: round(performance.now() - t0),
    requirementsSource: opts.requirementsSource,
    mode: opts.mode,
    overall: overallStatus(checks.map((c) => c.status)),
    checks,
  };
}

/** `fail` if any fails, else `unknown` if any is unknown, else `pass` (unsupported counts as neither). */
export function overallStatus(statuses: readonly CheckStatus[]): CheckStatus {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('unknown')) return 'unknown';
  if (statuses.length > 0 && statuses.every((s) => s === 'unsupported')) return 'unsupported';
  return 'pass';
}

async function runOne(def: AnyCheckDefinition, opts: RunChecksOptions): Promise<CheckResult> {
  return runTyped(def as CheckDefinition<CheckId>, opts);
}

async function runTyped<K extends CheckId>(def: CheckDefinition<K>, opts: RunChecksOptions): Promise<CheckResult> {
  const ctx = opts.context;
  const started = performance.now();
  const collectedAt = ctx.now().toISOString();
  const used = new Set<string>();
  const collector = def.collectors[ctx.platform];
  const base = { id: def.id, collectedAt };
  if (!collector) {
    return {
      ...base,
      status: 'unsupported',
      facts: {},
      summary: `${def.title} cannot be observed on ${ctx.platform}.`,
      reasons: [`${def.id}.unsupported_platform`],
      gaps: [],
      probes: [],
      durationMs: 0,
    };
  }

  const tracked: ProbeRunner = {
    exec: (probe, command, args, o) => track(used, ctx.probes.exec(probe, command, args, o)),
    readFile: (probe, path, o) => track(used, ctx.probes.readFile(probe, path, o)),
    listDir: (probe, path, o) => track(used, ctx.probes.listDir(probe, path, o)),
  };

  let obs: Observation<unknown>;
  try {
    obs = await withTimeout(collector({ ...ctx, probes: tracked }), opts.checkTimeoutMs ?? 20_000);
  } catch (e) {
    const timedOut = e instanceof CheckTimeout;
    obs = { gaps: [{ fact: '*', reason: timedOut ? 'timeout' : 'internal-error', detail: errorText(e) }] };
  }

  let facts = obs.facts;
  const gaps: Gap[] = [...obs.gaps];
  if (facts !== undefined && !Value.Check(FACTS_SCHEMAS[def.id], facts)) {
    const first = [...Value.Errors(FACTS_SCHEMAS[def.id], facts)][0];
    gaps.push({ fact: '*', reason: 'internal-error', detail: `facts failed their schema at ${first?.path ?? '?'}: ${first?.message ?? ''}` });
    facts = undefined;
  }

  let outcome: RuleOutcome;
  try {
    outcome = def.rule({
      facts: facts as never,
      gaps,
      requirement: opts.requirements[def.id] as never,
      now: ctx.now(),
      platform: ctx.platform,
    });
  } catch (e) {
    outcome = { status: 'unknown', summary: `The ${def.title} rule failed: ${errorText(e)}`, reasons: [`${def.id}.internal_error`], unknownReason: 'internal-error' };
  }
  if (facts === undefined && outcome.status === 'pass') {
    // A rule must not pass a check it has no facts for.
    outcome = { status: 'unknown', summary: `${def.title}: nothing could be observed.`, reasons: [`${def.id}.no_facts`], unknownReason: gaps[0]?.reason ?? 'not-collected' };
  }

  const result: CheckResult = {
    ...base,
    status: outcome.status,
    facts: (facts ?? {}) as Record<string, unknown>,
    summary: outcome.summary,
    reasons: outcome.reasons,
    gaps,
    probes: [...used].sort(),
    durationMs: round(performance.now() - started),
  };
  if (outcome.remediation) result.remediation = outcome.remediation;
  if (outcome.status === 'unknown') result.unknownReason = outcome.unknownReason ?? gaps[0]?.reason ?? 'not-collected';
  return result;
}

async function track<T extends { key: string }>(used: Set<string>, p: Promise<T>): Promise<T> {
  const out = await p;
  used.add(out.key);
  return out;
}

class CheckTimeout extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(`check did not finish within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).slice(0, 500);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
