/**
 * The strictest requirements over several segments, so the agent can show one local
 * verdict for everything its user may reach.
 *
 * Merge, per check present in any of the segments:
 * - numeric maxima (`max_patch_age_days`, `max_pending_security_updates`,
 *   `max_auth_age_seconds`, `max_idle_seconds`): the minimum;
 * - booleans (`required`, `require_*`, `fail_on_*`): true if any segment makes it
 *   true (EDR's `require_healthy` counts as true where it is absent and `required`
 *   is true, its documented default);
 * - allowed lists (`allowed_products`, `amr_any`, `acr_any`, `providers`): the
 *   intersection over the segments that set one (absent means "any"). An empty
 *   intersection cannot be written (EDR reads `[]` as "any"), so the first segment's
 *   list is kept and the clash is reported in `conflicts`.
 */
import { CHECK_IDS, type CheckId } from '../../shared/check-ids.js';
import type { Requirements } from '../../shared/requirements.js';
import { grantedSegments } from './evaluate.js';
import type { Policy } from './model.js';

/** What the agent should judge against, and why. */
export interface DeviceRequirements {
  requirements: Requirements;
  /** The segments merged, in policy order. */
  segments: string[];
  /** Allowed lists no single value satisfies, e.g. `edr.allowed_products: training and deployment share none`. */
  conflicts: string[];
}

const LIST_FIELDS = new Set(['allowed_products', 'amr_any', 'acr_any', 'providers']);

type Field = string | number | boolean | string[] | undefined;

function mergeField(check: CheckId, field: string, values: { segment: string; value: Field }[], conflicts: string[]): Field {
  const set = values.filter((v) => v.value !== undefined);
  if (set.length === 0) return undefined;
  const first = set[0]?.value;
  if (typeof first === 'number') return Math.min(...set.map((v) => v.value as number));
  if (typeof first === 'boolean') return set.some((v) => v.value === true);
  if (LIST_FIELDS.has(field)) {
    const lists = set.map((v) => v.value as string[]);
    const common = (lists[0] ?? []).filter((x) => lists.every((l) => l.includes(x)));
    if (common.length > 0 || lists.every((l) => l.length === 0)) return common;
    conflicts.push(`${check}.${field}: ${set.map((v) => v.segment).join(' and ')} share no allowed value`);
    return lists[0];
  }
  return first;
}

/**
 * The strictest merge of the requirements of every segment `groups` grant (see
 * the module comment for the rules). No granted segment gives empty requirements.
 */
export function requirementsForDevice(policy: Policy, groups: readonly string[]): DeviceRequirements {
  const granted = grantedSegments(policy, groups);
  const segments = [...policy.segments.values()].filter((s) => granted.has(s.name));
  const out: Record<string, Record<string, Field>> = {};
  const conflicts: string[] = [];
  for (const check of CHECK_IDS) {
    const reqs = segments
      .map((s) => ({ segment: s.name, req: s.requirements[check] as Record<string, Field> | undefined }))
      .filter((r): r is { segment: string; req: Record<string, Field> } => r.req !== undefined);
    if (reqs.length === 0) continue;
    if (check === 'edr') {
      // Make the implicit default explicit before merging, or OR would drop it.
      for (const r of reqs) r.req = { ...r.req, require_healthy: r.req.require_healthy ?? r.req.required === true };
    }
    const fields = new Set(reqs.flatMap((r) => Object.keys(r.req)));
    const merged: Record<string, Field> = {};
    for (const field of fields) {
      const value = mergeField(check, field, reqs.map((r) => ({ segment: r.segment, value: r.req[field] })), conflicts);
      if (value !== undefined) merged[field] = value;
    }
    out[check] = merged;
  }
  return { requirements: out as Requirements, segments: segments.map((s) => s.name), conflicts };
}
