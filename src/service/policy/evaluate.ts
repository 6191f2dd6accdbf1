/**
 * The policy decision (DESIGN §7): evidence + user → per-segment verdicts,
 * per-resource allow/deny and an EAR status. Pure: the clock and the rules are
 * inputs, so the same evidence under the same policy and time gives the same answer.
 */
import { CHECK_IDS, type CheckId, type Platform } from '../../shared/check-ids.js';
import { describeDuration } from './duration.js';
import { CHECK_NAMES, joinList } from './labels.js';
import type { Policy, PolicyResource } from './model.js';
import type { EarStatus, PostureResult, ResourceVerdict, SegmentVerdict } from './result.js';
import { evaluateSegment, type RuleRegistry, type SubmodInput } from './segment.js';

/** What one attestation tells the policy engine. */
export interface PostureInput {
  /** Evidence submods by check id; a required check without one is `unknown: not-collected`. */
  submods: Partial<Record<CheckId, SubmodInput>>;
  user: string;
  /** The user's groups (from enrolment or the IdP); they pick the segments granted. */
  groups: readonly string[];
  /** When the evidence was collected (its `iat`). */
  attestedAt: Date;
  now: Date;
  platform: Platform;
}

/** The segments `groups` grant, in policy order of groups. Unknown groups grant nothing. */
export function grantedSegments(policy: Policy, groups: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const g of groups) for (const s of policy.groups.get(g) ?? []) out.add(s);
  return out;
}

function postureMessage(resource: PolicyResource, verdict: SegmentVerdict, maxAgeMs: number): string {
  if (verdict.reasons.includes('posture.stale')) {
    return `This device's posture is older than ${describeDuration(maxAgeMs)}; let the posture agent check in again to reach ${resource.name}.`;
  }
  const items: string[] = [];
  for (const [id, c] of Object.entries(verdict.checks)) {
    if (c.enforcement.effect !== 'block') continue;
    const name = CHECK_NAMES[id as CheckId] ?? id;
    items.push(c.status === 'fail' ? name : `${name} (could not be verified)`);
  }
  for (const [name, x] of Object.entries(verdict.expressions)) {
    if (x.enforcement.effect !== 'block') continue;
    items.push(x.status === 'fail' ? `"${x.summary.replace(/\.$/, '')}"` : `${name} (could not be evaluated)`);
  }
  return `To reach ${resource.name}, fix on this device: ${joinList(items)}.`;
}

function decideResource(policy: Policy, r: PolicyResource, verdict: SegmentVerdict | undefined, granted: Set<string>): ResourceVerdict {
  if (!granted.has(r.segment)) {
    return {
      segment: r.segment,
      decision: 'deny',
      reasons: ['rbac.segment_not_granted'],
      message: `Your groups do not grant the ${r.segment} segment that ${r.name} belongs to; ask an administrator for access.`,
      warnings: [],
    };
  }
  if (!verdict || !verdict.satisfied) {
    const maxAge = policy.segments.get(r.segment)?.maxEvidenceAgeMs ?? 0;
    return {
      segment: r.segment,
      decision: 'deny',
      reasons: verdict ? verdict.reasons : ['posture.segment_unknown'],
      message: verdict ? postureMessage(r, verdict, maxAge) : `${r.name} belongs to no known segment.`,
      warnings: verdict?.warnings ?? [],
    };
  }
  return { segment: r.segment, decision: 'allow', reasons: [], message: `Access to ${r.name} is allowed.`, warnings: verdict.warnings };
}

/**
 * Evaluates every segment for `input`, then every resource: allow iff the user's
 * groups grant the resource's segment (else `rbac.segment_not_granted`) and that
 * segment is satisfied (fresh evidence, nothing blocking). `fresh_until` is the
 * earliest of the evidence expiry and any upcoming `warn-until` deadline that would
 * turn a current warning into a block, over the segments the user can reach.
 * `rules` supplies one rule per check. Never throws for bad evidence.
 */
export function evaluatePosture(policy: Policy, input: PostureInput, rules: RuleRegistry): PostureResult {
  const facts: Record<string, unknown> = {};
  for (const id of CHECK_IDS) {
    const s = Object.hasOwn(input.submods, id) ? input.submods[id] : undefined;
    if (s && typeof s.facts === 'object' && s.facts !== null) facts[id] = s.facts;
  }
  const attestedMs = input.attestedAt.getTime();
  const ctx = {
    submods: input.submods,
    now: input.now,
    platform: input.platform,
    cel: { facts, device: { platform: input.platform, user: input.user, groups: [...input.groups] }, now: input.now },
    evidenceAgeMs: input.now.getTime() - attestedMs,
  };
  const segments: Record<string, SegmentVerdict> = {};
  for (const [name, seg] of policy.segments) segments[name] = evaluateSegment(seg, ctx, rules);

  const granted = grantedSegments(policy, input.groups);
  const resources: Record<string, ResourceVerdict> = {};
  let denied = false;
  let warned = false;
  for (const r of policy.resources) {
    const v = decideResource(policy, r, policy.segments.has(r.segment) ? segments[r.segment] : undefined, granted);
    resources[r.name] = v;
    if (!granted.has(r.segment)) continue;
    if (v.decision === 'deny') denied = true;
    else if (v.warnings.some((w) => w.kind === 'warning')) warned = true;
  }
  const ear_status: EarStatus = denied ? 'contraindicated' : warned ? 'warning' : 'affirming';

  const reachable = [...new Set(policy.resources.filter((r) => granted.has(r.segment)).map((r) => r.segment))];
  const relevant = reachable.length > 0 ? reachable : granted.size > 0 ? [...granted] : [...policy.segments.keys()];
  let freshMs = Number.POSITIVE_INFINITY;
  for (const name of relevant) {
    const seg = policy.segments.get(name);
    if (!seg) continue;
    freshMs = Math.min(freshMs, attestedMs + seg.maxEvidenceAgeMs);
    for (const w of segments[name]?.warnings ?? []) if (w.until) freshMs = Math.min(freshMs, Date.parse(w.until));
  }
  if (!Number.isFinite(freshMs)) freshMs = Number.isFinite(attestedMs) ? attestedMs : input.now.getTime();
  return { ear_status, policy_revision: policy.revision, segments, resources, fresh_until: new Date(freshMs).toISOString() };
}
