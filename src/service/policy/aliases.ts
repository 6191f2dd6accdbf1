/**
 * Friendlier spellings policy authors may use, rewritten to the canonical requirement
 * fields before validation: `mfa.max_auth_age: 12h` → `mfa.max_auth_age_seconds: 43200`.
 */
import { parseDuration } from './duration.js';
import type { PolicyError } from './safe-yaml.js';

/**
 * Returns a copy of the parsed document with aliases rewritten, plus errors for aliases
 * that are malformed or given together with their canonical field. Never throws.
 */
export function rewriteAliases(value: unknown): { value: unknown; errors: PolicyError[] } {
  const errors: PolicyError[] = [];
  if (!isRecord(value) || !isRecord(value.segments)) return { value, errors };
  const segments: Record<string, unknown> = {};
  for (const [name, seg] of Object.entries(value.segments)) {
    segments[name] = seg;
    if (!isRecord(seg) || !isRecord(seg.requirements) || !isRecord(seg.requirements.mfa) || !Object.hasOwn(seg.requirements.mfa, 'max_auth_age')) continue;
    const { max_auth_age: alias, ...mfa } = seg.requirements.mfa;
    const path = `/segments/${name.replace(/~/g, '~0').replace(/\//g, '~1')}/requirements/mfa/max_auth_age`;
    const ms = typeof alias === 'string' ? parseDuration(alias) : undefined;
    if (ms === undefined) errors.push({ path, message: `"${String(alias)}" is not a duration like 30m, 12h or 7d (at most 30d).` });
    else if (Object.hasOwn(mfa, 'max_auth_age_seconds')) errors.push({ path, message: 'Give max_auth_age or max_auth_age_seconds, not both.' });
    else segments[name] = { ...seg, requirements: { ...seg.requirements, mfa: { ...mfa, max_auth_age_seconds: Math.round(ms / 1000) } } };
  }
  return { value: { ...value, segments }, errors };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
