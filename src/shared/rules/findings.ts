/**
 * Pure helpers the per-check rules share: a rule turns facts + a requirement into
 * findings, and `combineFindings` turns findings into one status. Any `fail` wins;
 * otherwise any `unknown` makes the check unknown: unknown is never a pass.
 */
import type { CheckStatus, Gap, Platform, UnknownReason } from '../check-ids.js';

export interface Finding {
  status: 'pass' | 'fail' | 'unknown';
  /** Stable reason code: `<check>.<reason>`, e.g. `disk_encryption.system_volume_unencrypted`. */
  code: string;
  /** A sentence a person can read. */
  message: string;
  remediation?: string;
  unknownReason?: UnknownReason;
}

export interface RuleOutcome {
  status: CheckStatus;
  summary: string;
  remediation?: string;
  reasons: string[];
  unknownReason?: UnknownReason;
}

export interface RuleInput<F, R> {
  /** Undefined when the collector could not produce facts at all. */
  facts: F | undefined;
  gaps: readonly Gap[];
  requirement: R | undefined;
  now: Date;
  platform: Platform;
}

export type Rule<F, R> = (input: RuleInput<F, R>) => RuleOutcome;

/** The gap recorded for `fact`, if any. */
export function gapFor(gaps: readonly Gap[], fact: string): Gap | undefined {
  return gaps.find((g) => g.fact === fact);
}

/** A finding for a fact the requirement needs but the collector could not read. */
export function unknownFinding(check: string, fact: string, gaps: readonly Gap[], what: string): Finding {
  // The gap that names this fact, else one for the whole check; never an unrelated fact's.
  const gap = gapFor(gaps, fact) ?? gapFor(gaps, '*') ?? (gaps.length === 1 ? gaps[0] : undefined);
  const reason = gap?.reason ?? 'not-collected';
  const detail = gap?.detail ? ` (${gap.detail})` : '';
  return {
    status: 'unknown',
    code: `${check}.unknown_${fact.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`,
    message: `Could not determine ${what}: ${reason}${detail}.`,
    unknownReason: reason,
  };
}

/**
 * One status from many findings. The summary lists the failing findings (or the
 * unknown ones) in order; `passSummary` is used when everything passed.
 */
export function combineFindings(findings: readonly Finding[], passSummary: string): RuleOutcome {
  const failed = findings.filter((f) => f.status === 'fail');
  const unknown = findings.filter((f) => f.status === 'unknown');
  if (failed.length > 0) {
    return {
      status: 'fail',
      summary: failed.map((f) => f.message).join(' '),
      remediation: joinRemediations(failed),
      reasons: [...failed, ...unknown].map((f) => f.code),
    };
  }
  if (unknown.length > 0) {
    const first = unknown[0];
    return {
      status: 'unknown',
      summary: unknown.map((f) => f.message).join(' '),
      remediation: joinRemediations(unknown),
      reasons: unknown.map((f) => f.code),
      unknownReason: first?.unknownReason ?? 'not-collected',
    };
  }
  return { status: 'pass', summary: passSummary, reasons: findings.map((f) => f.code) };
}

function joinRemediations(findings: readonly Finding[]): string | undefined {
  const steps = [...new Set(findings.map((f) => f.remediation).filter((r): r is string => !!r))];
  return steps.length > 0 ? steps.join(' ') : undefined;
}
