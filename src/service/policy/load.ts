/** Policy file text → a loaded, frozen `Policy`, or the list of what is wrong with it. */
import { createHash } from 'node:crypto';
import { deepFreeze, type Policy } from './model.js';
import { parseYamlSafely, type PolicyError } from './safe-yaml.js';
import { compilePolicy } from './validate.js';

/** A loaded policy, or every error found (JSON pointer + sentence). */
export type LoadPolicyResult = { ok: true; policy: Policy } | { ok: false; errors: PolicyError[] };

/**
 * Parses and validates a policy file. `source` names it in the result (a path, or a
 * label). Errors carry a JSON pointer (`/segments/training/enforcement/mdm/until`,
 * `''` for the file as a whole) and a sentence. Never throws, whatever `text` holds:
 * oversized input, YAML bombs, duplicate or `__proto__` keys, deep nesting and bad
 * CEL all come back as errors.
 */
export function loadPolicy(text: string, source: string): LoadPolicyResult {
  try {
    if (typeof text !== 'string') return { ok: false, errors: [{ path: '', message: 'The policy must be text.' }] };
    const parsed = parseYamlSafely(text);
    if (!parsed.ok) return parsed;
    const revision = createHash('sha256').update(text, 'utf8').digest('hex');
    const compiled = compilePolicy(parsed.value, source, revision);
    if (!compiled.ok) return compiled;
    return { ok: true, policy: deepFreeze(compiled.policy) };
  } catch (e) {
    // A bug here must still not take the service down or half-load a policy.
    const detail = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { ok: false, errors: [{ path: '', message: `The policy could not be loaded: ${detail}` }] };
  }
}
