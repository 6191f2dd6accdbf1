/**
 * Pure comparison of the watched checks between the last full attestation's report (the
 * baseline) and a cheap fresh reading. It decides whether the agent should re-attest now.
 *
 * Policy (DESIGN §10, issue #6):
 * - `pass` → anything else (`fail`, `unknown`, `unsupported`) is a REGRESSION: unknown is
 *   never a pass, so losing the ability to read a check is as bad as failing it.
 * - anything else → `pass` is an IMPROVEMENT: it re-attests too, so access comes back fast.
 * - `fail` ↔ `unknown` on its own is neither: the local verdict denies either way.
 * - A change of the key facts (the projection below) with no pass/not-pass change is a
 *   CHANGE and re-attests as well: the service judges facts per segment with its own,
 *   often laxer, requirements, so a different EDR product, a daemon that stopped, a volume
 *   that lost encryption or a firewall profile switched off can flip a segment even when
 *   the local status (judged against the strictest segment) stays `fail` or `pass`.
 *   Volatile facts (versions, last cloud contact, percent encrypted, app counts) are left
 *   out so they never cause a re-attestation.
 */
import type { CheckId, CheckStatus } from '../../shared/check-ids.js';
import type { CheckResult, PostureReport } from '../../shared/check-result.js';

/** The checks a cheap watcher re-reads between full attestations. */
export const WATCHED_CHECKS = ['edr', 'disk_encryption', 'firewall'] as const satisfies readonly CheckId[];
export type WatchedCheckId = (typeof WATCHED_CHECKS)[number];

export type TransitionKind = 'regression' | 'improvement' | 'changed';

/** One watched check whose reading differs from the baseline in a way that re-attests. */
export interface WatchTransition {
  id: CheckId;
  kind: TransitionKind;
  from: CheckStatus;
  to: CheckStatus;
  /** The key facts before and after (see `keyFacts`), for the log line. */
  fromFacts: string;
  toFacts: string;
}

export interface WatchComparison {
  regressions: CheckId[];
  improvements: CheckId[];
  /** Key facts changed with no pass/not-pass change. */
  changed: CheckId[];
  transitions: WatchTransition[];
  /** The fresh reading's watched state (status + key facts per check): equal readings have equal signatures. */
  signature: string;
}

/** True when the comparison should start an attestation. */
export function shouldReattestOn(c: WatchComparison): boolean {
  return c.transitions.length > 0;
}

/**
 * Compares the watched checks of `fresh` with `baseline`. Only checks present in the
 * baseline are compared (an attestation that ran fewer checks watches fewer); a watched
 * check missing from `fresh` reads as `unknown`.
 */
export function compareWatched(baseline: PostureReport, fresh: PostureReport, checks: readonly CheckId[] = WATCHED_CHECKS): WatchComparison {
  const out: WatchComparison = { regressions: [], improvements: [], changed: [], transitions: [], signature: '' };
  const parts: string[] = [];
  for (const id of checks) {
    const before = baseline.checks.find((c) => c.id === id);
    if (!before) continue;
    const after = fresh.checks.find((c) => c.id === id);
    const to: CheckStatus = after?.status ?? 'unknown';
    const fromFacts = keyFacts(before);
    const toFacts = after ? keyFacts(after) : '';
    parts.push(`${id}=${to}{${toFacts}}`);
    const wasPass = before.status === 'pass';
    const isPass = to === 'pass';
    const kind: TransitionKind | undefined = wasPass && !isPass ? 'regression' : !wasPass && isPass ? 'improvement' : fromFacts !== toFacts ? 'changed' : undefined;
    if (!kind) continue;
    out.transitions.push({ id, kind, from: before.status, to, fromFacts, toFacts });
    (kind === 'regression' ? out.regressions : kind === 'improvement' ? out.improvements : out.changed).push(id);
  }
  out.signature = parts.join('|');
  return out;
}

/** The signature a report would have if it were the fresh reading (equal to the baseline ⇒ no change). */
export function watchSignature(report: PostureReport, checks: readonly CheckId[] = WATCHED_CHECKS): string {
  return compareWatched(report, report, checks).signature;
}

/**
 * The facts of a watched check that matter to a verdict, as a stable string. Facts are
 * read defensively: a check that came back `unknown` may carry none.
 */
export function keyFacts(c: CheckResult): string {
  const f = c.facts;
  switch (c.id) {
    case 'edr':
      return records(f.products)
        .map((p) => `${str(p.id)}:${flag(p.installed, 'installed')}${flag(p.running, 'running')}${flag(p.healthy, 'healthy')}${flag(p.realTimeProtection, 'rtp')}`)
        .sort()
        .join(',');
    case 'disk_encryption': {
      const vols = records(f.volumes)
        .map((v) => `${str(v.mount ?? v.device)}:${flag(v.encrypted, 'encrypted')}${flag(v.protectionOn, 'protected')}`)
        .sort()
        .join(',');
      return `system:${flag(f.systemVolumeEncrypted, 'encrypted')};${vols}`;
    }
    case 'firewall': {
      const profiles = records(f.profiles)
        .map((p) => `${str(p.name)}:${flag(p.enabled, 'on')}${flag(p.defaultInboundBlocked, 'blocks')}`)
        .sort()
        .join(',');
      return `enabled:${flag(f.enabled, 'on')};${profiles}`;
    }
    default:
      return '';
  }
}

function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '?';
}

/** `name` when true, `!name` when false, `?name` when not observed. */
function flag(v: unknown, name: string): string {
  return v === true ? ` ${name}` : v === false ? ` !${name}` : ` ?${name}`;
}

/** One line per change: "edr regressed: pass → fail". */
export function describeTransitions(transitions: readonly WatchTransition[]): string {
  return transitions
    .map((t) => {
      const verb = t.kind === 'regression' ? 'regressed' : t.kind === 'improvement' ? 'improved' : 'changed';
      const facts = t.kind === 'changed' ? ` (${t.fromFacts.trim()} → ${t.toFacts.trim()})`.slice(0, 240) : '';
      return `${t.id} ${verb}: ${t.from} → ${t.to}${facts}`;
    })
    .join(', ');
}
