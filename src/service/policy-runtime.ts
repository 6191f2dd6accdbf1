/**
 * Binds the policy engine (src/service/policy) to the HTTP layer: a hot-reloaded policy
 * file, evaluated with the same per-check rules the agent uses.
 */
import { RULES } from '../shared/rules/index.js';
import {
  createPolicySource,
  evaluatePosture,
  explainPolicy,
  grantedSegments,
  loadPolicy,
  requirementsForDevice,
  type Policy,
} from './policy/index.js';
import type { PolicyEngine, PostureEvaluation, PostureInput } from './policy-engine.js';

/** A PolicyEngine over one loaded policy. */
export function engineFor(policy: Policy): PolicyEngine {
  const resourceNames = new Set(policy.resources.map((r) => r.name));
  return {
    revision: policy.revision,
    evaluate(input: PostureInput): PostureEvaluation {
      const r = evaluatePosture(policy, { ...input, submods: input.submods }, RULES);
      const granted = grantedSegments(policy, input.groups);
      return {
        earStatus: r.ear_status,
        freshUntil: Date.parse(r.fresh_until),
        segments: Object.fromEntries(Object.entries(r.segments).filter(([s]) => granted.has(s)).map(([s, v]) => [s, { satisfied: v.satisfied, reasons: v.reasons }])),
        resources: Object.fromEntries(
          Object.entries(r.resources).map(([name, v]) => [
            name,
            {
              decision: v.decision,
              reasons: v.reasons,
              message: v.message,
              ...(v.warnings.length > 0 ? { warnings: v.warnings.map((w) => ({ code: w.code, message: w.message, ...(w.until ? { until: w.until } : {}) })) } : {}),
            },
          ]),
        ),
      };
    },
    requirementsFor: (groups) => requirementsForDevice(policy, groups).requirements,
    hasResource: (name) => resourceNames.has(name),
    resourceNames: () => policy.resources.map((r) => r.name),
  };
}

export interface PolicyRuntime {
  /** The engine for the active policy. */
  engine: () => PolicyEngine;
  /** Called after a new policy became active. */
  onSwap(listener: () => void): void;
  close(): void;
}

/**
 * Loads and watches the policy file. @throws PolicyLoadError when the file is invalid at start.
 */
export async function createPolicyRuntime(path: string, log: { onReload: (msg: string) => void; onError: (msg: string) => void }): Promise<PolicyRuntime> {
  const listeners: (() => void)[] = [];
  let engine: PolicyEngine | undefined;
  const source = await createPolicySource(path, {
    onChange: (policy) => {
      engine = engineFor(policy);
      log.onReload(`policy reloaded from ${path} (revision ${policy.revision.slice(0, 12)})`);
      for (const l of listeners) l();
    },
    onError: (errors) => log.onError(`policy change rejected, keeping the running policy: ${errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; ')}`),
  });
  engine = engineFor(source.current());
  return {
    engine: () => engine ?? engineFor(source.current()),
    onSwap: (l) => void listeners.push(l),
    close: () => source.close(),
  };
}

/** Validates a policy text and explains it, for `posture-service policy check`. */
export function checkPolicyFile(text: string, source: string): { ok: true; explanation: string } | { ok: false; errors: string[] } {
  const r = loadPolicy(text, source);
  if (!r.ok) return { ok: false, errors: r.errors.map((e) => `${e.path || '/'}: ${e.message}`) };
  return { ok: true, explanation: explainPolicy(r.policy) };
}
