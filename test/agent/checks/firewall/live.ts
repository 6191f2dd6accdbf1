/** Runs checks live on this machine (Linux) through the real allow-list, for the collect tests. */
import { Value } from '@sinclair/typebox/value';
import { runChecks } from '../../../../src/agent/checks/run-checks.js';
import type { AnyCheckDefinition } from '../../../../src/agent/checks/types.js';
import { ALLOWED_COMMANDS } from '../../../../src/agent/exec/allowlist.js';
import { createCommandRunner } from '../../../../src/agent/exec/run-command.js';
import { createLiveProbeRunner } from '../../../../src/agent/probes/live-runner.js';
import type { CheckResult } from '../../../../src/shared/check-result.js';
import { FACTS_SCHEMAS } from '../../../../src/shared/facts/index.js';
import { BASELINE_REQUIREMENTS } from '../../../../src/shared/requirements.js';

export interface LiveRun {
  result: CheckResult;
  wallMs: number;
  schemaValid: boolean;
}

/** Collects one check live with the baseline requirements. */
export async function runLive(check: AnyCheckDefinition): Promise<LiveRun> {
  const probes = createLiveProbeRunner({ commands: createCommandRunner(ALLOWED_COMMANDS, 'linux') });
  const t0 = performance.now();
  const report = await runChecks({
    checks: [check],
    context: { probes, platform: 'linux', now: () => new Date(), settings: {} },
    requirements: BASELINE_REQUIREMENTS,
    requirementsSource: 'baseline',
    mode: 'live',
  });
  const wallMs = performance.now() - t0;
  const result = report.checks[0];
  if (!result) throw new Error('no result');
  return { result, wallMs, schemaValid: Value.Check(FACTS_SCHEMAS[result.id], result.facts) };
}
