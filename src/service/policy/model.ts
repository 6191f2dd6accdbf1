/**
 * A loaded policy: the validated document compiled for evaluation (durations in
 * milliseconds, dates as instants, CEL compiled, names in Maps so no key can reach
 * `Object.prototype`). Deeply frozen: a reader can hold one while a reload swaps in
 * the next.
 */
import type { Requirements } from '../../shared/requirements.js';
import type { CelProgram } from './cel.js';
import type { PolicyDocument, EnforcementMode } from './schema.js';

/** How one check or expression is enforced in one segment. */
export interface PolicyEnforcement {
  mode: EnforcementMode;
  /** Only for `warn-until`: from this instant (epoch ms) the item blocks. */
  untilMs?: number;
  /** `until` as written in the file, for messages. */
  untilText?: string;
}

/** A compiled CEL expression with the sentence shown when it is false. */
export interface PolicyExpression {
  name: string;
  message: string;
  program: CelProgram;
}

/** A segment ready for evaluation. */
export interface PolicySegment {
  name: string;
  description?: string;
  maxEvidenceAgeMs: number;
  /** As written (`15m`), for messages. */
  maxEvidenceAge: string;
  requirements: Requirements;
  expressions: readonly PolicyExpression[];
  /** Check id or expression name → enforcement; absent keys block. */
  enforcement: ReadonlyMap<string, PolicyEnforcement>;
}

/** A resource and where requests for it arrive. */
export interface PolicyResource {
  name: string;
  segment: string;
  description?: string;
  /** Lowercase host names, exact match. */
  hosts: readonly string[];
  /** Normalised: starts with `/`, no trailing `/` unless it is `/`. */
  pathPrefix: string;
}

/** A validated, compiled, frozen policy: what `loadPolicy` returns and the engine reads. */
export interface Policy {
  /** Where it came from (a path, or a label for tests). */
  source: string;
  /** SHA-256 (hex) of the file's text: names the policy version in results and logs. */
  revision: string;
  document: PolicyDocument;
  segments: ReadonlyMap<string, PolicySegment>;
  resources: readonly PolicyResource[];
  /** Group → the segments it grants. */
  groups: ReadonlyMap<string, readonly string[]>;
}

/** The enforcement an unlisted check or expression gets. */
export const DEFAULT_ENFORCEMENT: PolicyEnforcement = Object.freeze({ mode: 'block' });

/** Freezes `value` and everything reachable from it (Maps' entries included). */
export function deepFreeze<T>(value: T): T {
  const seen = new Set<unknown>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof Map) {
      for (const [k, val] of v) stack.push(k, val);
      // A frozen Map can still be mutated through set/delete: shadow them.
      const fail = (): never => {
        throw new TypeError('The policy is read-only.');
      };
      Object.defineProperties(v, { set: { value: fail }, delete: { value: fail }, clear: { value: fail } });
    } else {
      stack.push(...Object.values(v));
    }
    Object.freeze(v);
  }
  return value;
}
