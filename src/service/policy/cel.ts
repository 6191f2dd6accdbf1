/**
 * CEL expressions over a device's facts (DESIGN §7), with `@marcbachmann/cel-js`.
 * Expressions are compiled once when the policy loads; evaluating one never throws
 * and never turns an error into a pass: an error or a non-boolean is `unknown`.
 *
 * Cost: the library has structural parse limits but no evaluation budget, and the
 * facts come from the device (attacker-controlled strings). So besides tight parse
 * limits we reject, at load, shapes whose cost grows fast: comprehensions nested
 * more than two deep, more than four `cel.bind`s (each can double a string), and
 * `matches()` with a non-literal pattern or a pattern that repeats a group or uses
 * a back-reference (catastrophic backtracking in JavaScript's RegExp).
 */
import { Environment } from '@marcbachmann/cel-js';
import type { Platform } from '../../shared/check-ids.js';

/** What an expression sees. */
export interface CelContext {
  /** Check id → that check's facts, for the checks the evidence carries. */
  facts: Readonly<Record<string, unknown>>;
  device: { platform: Platform; user: string; groups: readonly string[] };
  now: Date;
}

/** An expression's outcome: anything but `true`/`false` (errors included) is `unknown`. */
export type CelResult = { status: 'pass' } | { status: 'fail' } | { status: 'unknown'; detail: string };

/** A compiled expression. `evaluate` never throws. */
export interface CelProgram {
  readonly source: string;
  evaluate(ctx: CelContext): CelResult;
}

const LIMITS = { maxAstNodes: 256, maxDepth: 24, maxListElements: 64, maxMapEntries: 64, maxCallArguments: 8 };
const MAX_COMPREHENSION_NESTING = 2;
const MAX_BINDS = 4;
const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

// Built once: building an environment is the expensive part (README). Never mutated after.
const ENV = new Environment({ limits: LIMITS })
  .registerVariable('facts', 'map')
  .registerVariable('device', 'map')
  .registerVariable('now', 'google.protobuf.Timestamp');

interface AstNode {
  op: string;
  args: unknown;
}

function isNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && 'op' in v && 'args' in v;
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split('\n')[0] ?? msg).trim();
}

/** A regex literal safe enough to run on device-supplied strings. */
function unsafePattern(pattern: string): string | undefined {
  if (/\)[*+{]/.test(pattern)) return 'repeats a group';
  if (/\\[1-9]|\\k</.test(pattern)) return 'uses a back-reference';
  if (pattern.length > 256) return 'is longer than 256 characters';
  return undefined;
}

/** The reason the expression is too costly to run, or undefined. */
function costProblem(root: AstNode): string | undefined {
  let binds = 0;
  // Iterative walk: the parser already bounds depth, but the checker must not recurse on trust.
  const stack: { node: AstNode; nesting: number }[] = [{ node: root, nesting: 0 }];
  while (stack.length > 0) {
    const { node, nesting } = stack.pop() as { node: AstNode; nesting: number };
    let inner = nesting;
    if (node.op === 'rcall' && Array.isArray(node.args)) {
      const [name, target, params] = node.args as [string, unknown, unknown[]];
      if (COMPREHENSIONS.has(name)) inner = nesting + 1;
      if (inner > MAX_COMPREHENSION_NESTING) return `comprehensions nest more than ${MAX_COMPREHENSION_NESTING} deep`;
      if (name === 'bind' && isNode(target) && target.op === 'id' && target.args === 'cel') binds += 1;
      if (binds > MAX_BINDS) return `more than ${MAX_BINDS} cel.bind calls`;
      if (name === 'matches') {
        const pattern = Array.isArray(params) ? params[0] : undefined;
        if (!isNode(pattern) || pattern.op !== 'value' || typeof pattern.args !== 'string') {
          return 'matches() needs a string literal pattern';
        }
        const bad = unsafePattern(pattern.args);
        if (bad) return `the matches() pattern ${bad}`;
      }
    }
    if (node.op === 'call' && Array.isArray(node.args) && node.args[0] === 'matches') {
      return 'use the method form s.matches("pattern") with a literal pattern';
    }
    const children: unknown[] = Array.isArray(node.args) ? [...(node.args as unknown[])] : [node.args];
    while (children.length > 0) {
      const c = children.pop();
      if (isNode(c)) stack.push({ node: c, nesting: inner });
      else if (Array.isArray(c)) children.push(...(c as unknown[]));
    }
  }
  return undefined;
}

/**
 * Compiles `source`: parses, type-checks (the result must be a boolean, or `dyn`
 * checked at run time) and rejects costly shapes. Never throws.
 */
export function compileCel(source: string): { ok: true; program: CelProgram } | { ok: false; message: string } {
  let parsed: ReturnType<typeof ENV.parse>;
  try {
    parsed = ENV.parse(source);
  } catch (e) {
    return { ok: false, message: `does not parse: ${firstLine(e)}` };
  }
  try {
    const checked = parsed.check();
    if (!checked.valid) return { ok: false, message: `does not type-check: ${firstLine(checked.error)}` };
    if (checked.type !== 'bool' && checked.type !== 'dyn') {
      return { ok: false, message: `returns ${checked.type}, not a boolean` };
    }
    const problem = isNode(parsed.ast) ? costProblem(parsed.ast) : 'has no syntax tree';
    if (problem) return { ok: false, message: `is too costly to evaluate: ${problem}` };
  } catch (e) {
    return { ok: false, message: `does not type-check: ${firstLine(e)}` };
  }
  const run = parsed;
  return {
    ok: true,
    program: Object.freeze({
      source,
      evaluate(ctx: CelContext): CelResult {
        try {
          const value: unknown = run({ facts: ctx.facts, device: ctx.device, now: ctx.now });
          if (value === true) return { status: 'pass' };
          if (value === false) return { status: 'fail' };
          const kind = value === null ? 'null' : typeof value === 'object' && 'then' in value ? 'a promise' : typeof value;
          return { status: 'unknown', detail: `returned ${kind}, not a boolean` };
        } catch (e) {
          return { status: 'unknown', detail: firstLine(e) };
        }
      },
    }),
  };
}
