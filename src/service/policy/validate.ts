/**
 * Parsed YAML → a compiled `Policy`, or every reason it is not one. The schema runs
 * first; the cross-reference checks only run on a document whose shape is right.
 */
import { rewriteAliases } from './aliases.js';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { CHECK_IDS, type CheckId } from '../../shared/check-ids.js';
import { compileCel } from './cel.js';
import { parseDuration, parseUntil } from './duration.js';
import { normalizeRequestPath } from './match.js';
import type { Policy, PolicyEnforcement, PolicyExpression, PolicyResource, PolicySegment } from './model.js';
import { pointerSegment, type PolicyError } from './safe-yaml.js';
import { DEFAULT_MAX_EVIDENCE_AGE, PolicyDocumentSchema, type PolicyDocument, type SegmentSpec } from './schema.js';

const CHECKER = TypeCompiler.Compile(PolicyDocumentSchema);
const MAX_ERRORS = 50;
const CHECK_ID_SET: ReadonlySet<string> = new Set(CHECK_IDS);

/** Records (segments, groups, enforcement) reject bad names as "additional properties": say which. */
function unexpectedKey(path: string): string {
  const parts = path.split('/');
  const key = (parts.pop() ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
  const parent = parts.join('/');
  if (parent === '/segments') return `"${key}" is not a valid segment name (lowercase letters, digits, ".", "_", "-"; at most 63).`;
  if (parent === '/groups') return `"${key}" is not a valid group name.`;
  if (/^\/segments\/[^/]+\/enforcement$/.test(parent)) return `"${key}" is not a check id or expression name.`;
  return `"${key}" is not a known key here.`;
}

function schemaErrors(value: unknown): PolicyError[] {
  const errors: PolicyError[] = [];
  const seen = new Set<string>();
  for (const e of CHECKER.Errors(value)) {
    const message =
      e.type === ValueErrorType.ObjectAdditionalProperties || e.message === 'Unexpected property' ? unexpectedKey(e.path) : `${e.message}.`;
    const id = `${e.path}\u0000${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    errors.push({ path: e.path, message });
    if (errors.length >= MAX_ERRORS) break;
  }
  return errors;
}

function compileEnforcement(segment: SegmentSpec, at: string, errors: PolicyError[]): Map<string, PolicyEnforcement> {
  const out = new Map<string, PolicyEnforcement>();
  const checks = Object.keys(segment.requirements).filter((k) => segment.requirements[k as CheckId] !== undefined);
  const names = new Set([...checks, ...(segment.expressions ?? []).map((x) => x.name)]);
  for (const [key, spec] of Object.entries(segment.enforcement ?? {})) {
    const path = `${at}/enforcement/${pointerSegment(key)}`;
    if (!names.has(key)) {
      errors.push({ path, message: `"${key}" is neither a check this segment requires nor one of its expressions.` });
      continue;
    }
    if (spec.mode !== 'warn-until') {
      if (spec.until !== undefined) errors.push({ path: `${path}/until`, message: `"until" only applies to mode warn-until.` });
      out.set(key, { mode: spec.mode });
      continue;
    }
    if (spec.until === undefined) {
      errors.push({ path: `${path}/until`, message: 'warn-until needs an "until" date (YYYY-MM-DD).' });
      continue;
    }
    const until = parseUntil(spec.until);
    if (!until) {
      errors.push({ path: `${path}/until`, message: `"${spec.until}" is not a real date (YYYY-MM-DD or an RFC 3339 date-time).` });
      continue;
    }
    out.set(key, { mode: 'warn-until', untilMs: until.getTime(), untilText: spec.until });
  }
  return out;
}

function compileSegment(name: string, spec: SegmentSpec, defaultAge: string, errors: PolicyError[]): PolicySegment {
  const at = `/segments/${pointerSegment(name)}`;
  const age = spec.max_evidence_age ?? defaultAge;
  const ageMs = parseDuration(age);
  if (spec.max_evidence_age !== undefined && ageMs === undefined) {
    errors.push({ path: `${at}/max_evidence_age`, message: `"${age}" is not a duration like 30s, 15m, 12h or 7d (at most 30d).` });
  }
  const expressions: PolicyExpression[] = [];
  const seen = new Set<string>();
  (spec.expressions ?? []).forEach((x, i) => {
    const path = `${at}/expressions/${i}`;
    if (CHECK_ID_SET.has(x.name)) errors.push({ path: `${path}/name`, message: `"${x.name}" is a check id; name expressions differently.` });
    else if (seen.has(x.name)) errors.push({ path: `${path}/name`, message: `The expression name "${x.name}" is used twice.` });
    seen.add(x.name);
    const compiled = compileCel(x.expr);
    if (!compiled.ok) errors.push({ path: `${path}/expr`, message: `The CEL expression ${compiled.message}` });
    else expressions.push({ name: x.name, message: x.message, program: compiled.program });
  });
  return {
    name,
    description: spec.description,
    maxEvidenceAgeMs: ageMs ?? 0,
    maxEvidenceAge: age,
    requirements: spec.requirements,
    expressions,
    enforcement: compileEnforcement(spec, at, errors),
  };
}

function compileResources(doc: PolicyDocument, errors: PolicyError[]): PolicyResource[] {
  const names = new Set<string>();
  const routes = new Map<string, string>();
  return (doc.resources ?? []).map((r, i) => {
    const at = `/resources/${i}`;
    if (names.has(r.name)) errors.push({ path: `${at}/name`, message: `The resource name "${r.name}" is used twice.` });
    names.add(r.name);
    if (!Object.hasOwn(doc.segments, r.segment)) {
      errors.push({ path: `${at}/segment`, message: `There is no segment "${r.segment}".` });
    }
    const raw = r.match.path_prefix ?? '/';
    const prefix = normalizeRequestPath(raw);
    if (prefix === undefined || (prefix !== raw && `${prefix}/` !== raw)) {
      errors.push({ path: `${at}/match/path_prefix`, message: `"${raw}" is not a normalised path (no "..", "//", "." or encoded characters).` });
    }
    for (const host of r.match.hosts) {
      const route = `${host}${prefix ?? raw}`;
      const other = routes.get(route);
      if (other !== undefined && other !== r.name) {
        errors.push({ path: `${at}/match`, message: `${route} is also matched by "${other}"; requests would be ambiguous.` });
      }
      routes.set(route, r.name);
    }
    return { name: r.name, segment: r.segment, description: r.description, hosts: [...new Set(r.match.hosts)], pathPrefix: prefix ?? raw };
  });
}

/**
 * Validates a parsed policy document and compiles it. `source` and `revision` are
 * recorded on the result. Returns every error found (schema errors alone when the
 * shape is wrong); never throws for bad input.
 */
export function compilePolicy(raw: unknown, source: string, revision: string): { ok: true; policy: Policy } | { ok: false; errors: PolicyError[] } {
  const aliased = rewriteAliases(raw);
  if (aliased.errors.length > 0) return { ok: false, errors: aliased.errors };
  const value = aliased.value;
  const shape = schemaErrors(value);
  if (shape.length > 0) return { ok: false, errors: shape };
  const doc = value as PolicyDocument;
  const errors: PolicyError[] = [];
  const defaultAge = doc.defaults?.max_evidence_age ?? DEFAULT_MAX_EVIDENCE_AGE;
  if (parseDuration(defaultAge) === undefined) {
    errors.push({ path: '/defaults/max_evidence_age', message: `"${defaultAge}" is not a duration like 30s, 15m, 12h or 7d (at most 30d).` });
  }
  const segments = new Map<string, PolicySegment>();
  for (const [name, spec] of Object.entries(doc.segments)) segments.set(name, compileSegment(name, spec, defaultAge, errors));
  const resources = compileResources(doc, errors);
  const groups = new Map<string, readonly string[]>();
  for (const [group, spec] of Object.entries(doc.groups ?? {})) {
    spec.segments.forEach((s, j) => {
      if (!segments.has(s)) errors.push({ path: `/groups/${pointerSegment(group)}/segments/${j}`, message: `There is no segment "${s}".` });
    });
    groups.set(group, [...new Set(spec.segments)]);
  }
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, MAX_ERRORS) };
  return { ok: true, policy: { source, revision, document: doc, segments, resources, groups } };
}
