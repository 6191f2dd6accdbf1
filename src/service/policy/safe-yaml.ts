/**
 * YAML → plain data for hostile input. The `yaml` package's own duplicate-key check
 * is quadratic (50 000 keys take seconds), so duplicates are found here in one pass;
 * alias expansion is capped (billion laughs); nesting is capped before and after
 * parsing (deep nesting is slow to parse and overflows recursive converters); and
 * `__proto__`/`constructor`/`prototype` keys are rejected outright so no consumer
 * can be tricked into prototype pollution. Nothing here throws.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';

/** One problem with the file: a JSON pointer into the document and a sentence. */
export interface PolicyError {
  path: string;
  message: string;
}

/** Largest policy file accepted. */
export const MAX_POLICY_BYTES = 1024 * 1024;
const MAX_DEPTH = 32;
const MAX_ALIASES = 100;
const MAX_ERRORS = 20;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** RFC 6901 escaping for one path segment. */
export function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Flow collections (`[[[[…`) are parsed recursively by the library: refuse deep ones
 * before parsing. Brackets inside quoted strings count too; a real policy never has
 * 32 unbalanced ones, so the approximation only errs on the side of refusing.
 */
function flowDepthExceeded(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > MAX_DEPTH) return true;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth -= 1;
  }
  return false;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key) && (typeof key.value === 'string' || typeof key.value === 'number' || typeof key.value === 'boolean')) {
    return String(key.value);
  }
  if (isScalar(key) && key.value === null) return '';
  return undefined;
}

/** Walks the syntax tree without recursion: duplicate, forbidden and complex keys, depth. */
function inspectTree(root: unknown): PolicyError[] {
  const errors: PolicyError[] = [];
  const stack: { node: unknown; path: string; depth: number }[] = [{ node: root, path: '', depth: 0 }];
  while (stack.length > 0 && errors.length < MAX_ERRORS) {
    const { node, path, depth } = stack.pop() as { node: unknown; path: string; depth: number };
    if (depth > MAX_DEPTH) {
      errors.push({ path, message: `The document nests deeper than ${MAX_DEPTH} levels.` });
      continue;
    }
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const key = keyText(item.key);
        if (key === undefined) {
          errors.push({ path, message: 'Keys must be plain strings, not collections or aliases.' });
          continue;
        }
        const at = `${path}/${pointerSegment(key)}`;
        if (FORBIDDEN_KEYS.has(key)) errors.push({ path: at, message: `The key "${key}" is not allowed.` });
        else if (seen.has(key)) errors.push({ path: at, message: `The key "${key}" appears more than once.` });
        seen.add(key);
        stack.push({ node: item.value, path: at, depth: depth + 1 });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => stack.push({ node: item, path: `${path}/${i}`, depth: depth + 1 }));
    }
    // Scalars need nothing; aliases point at anchored nodes walked where they were defined.
    else if (isAlias(node) || isScalar(node) || node === null || node === undefined) continue;
  }
  return errors;
}

/**
 * Parses one YAML document (YAML 1.2 core schema: no timestamps, no merge keys, no
 * custom tags) into plain data, or returns the reasons it cannot. Never throws.
 */
export function parseYamlSafely(text: string): { ok: true; value: unknown } | { ok: false; errors: PolicyError[] } {
  try {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_POLICY_BYTES) {
      return { ok: false, errors: [{ path: '', message: `The file is ${bytes} bytes; the limit is ${MAX_POLICY_BYTES} (1 MiB).` }] };
    }
    if (flowDepthExceeded(text)) {
      return { ok: false, errors: [{ path: '', message: `The document nests deeper than ${MAX_DEPTH} levels.` }] };
    }
    const doc = parseDocument(text, { uniqueKeys: false, schema: 'core', merge: false, strict: true, prettyErrors: true });
    const problems = [...doc.errors, ...doc.warnings].slice(0, MAX_ERRORS);
    if (problems.length > 0) {
      return { ok: false, errors: problems.map((e) => ({ path: '', message: `YAML: ${(e.message.split('\n')[0] ?? '').trim().replace(/:$/, '')}.` })) };
    }
    const treeErrors = inspectTree(doc.contents as Node | null);
    if (treeErrors.length > 0) return { ok: false, errors: treeErrors };
    const value: unknown = doc.toJS({ maxAliasCount: MAX_ALIASES });
    return { ok: true, value };
  } catch (e) {
    const detail = e instanceof Error ? e.message.split('\n')[0] : 'unreadable input';
    return { ok: false, errors: [{ path: '', message: `The YAML could not be read: ${detail}` }] };
  }
}
