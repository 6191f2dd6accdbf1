/**
 * One collection: run every check live on this machine (recording each probe for
 * `diagnose`) or replay a bundle from another machine.
 */
import { readFile } from 'node:fs/promises';
import { arch } from 'node:os';
import { Value } from '@sinclair/typebox/value';
import { BUNDLE_FORMAT, BundleSchema, type Bundle, type ProbeRecord } from '../shared/bundle.js';
import type { Platform } from '../shared/check-ids.js';
import type { PostureReport } from '../shared/check-result.js';
import { PostureError } from '../shared/errors.js';
import { BASELINE_REQUIREMENTS, type Requirements } from '../shared/requirements.js';
import { ALL_CHECKS } from './checks/index.js';
import { runChecks } from './checks/run-checks.js';
import type { AnyCheckDefinition, CheckSettings } from './checks/types.js';
import { ALLOWED_COMMANDS } from './exec/allowlist.js';
import { createCommandRunner } from './exec/run-command.js';
import { createLiveProbeRunner } from './probes/live-runner.js';
import { createReplayProbeRunner } from './probes/replay-runner.js';
import { AGENT_NAME, AGENT_VERSION } from './version.js';

export interface CollectOptions {
  settings?: CheckSettings;
  /** Requirements to judge against; the built-in baseline when absent. */
  requirements?: Requirements;
  checks?: readonly AnyCheckDefinition[];
}

export interface LiveCollectOptions extends CollectOptions {
  platform: Platform;
  /** Cache directory for slow probes whose inputs have not changed. */
  cacheDir?: string;
}

export interface Collection {
  report: PostureReport;
  /** Every probe's raw output (live runs only). */
  records: ProbeRecord[];
}

/** Runs every check on this machine. */
export async function collectLive(opts: LiveCollectOptions): Promise<Collection> {
  const probes = createLiveProbeRunner({
    commands: createCommandRunner(ALLOWED_COMMANDS, opts.platform),
    ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
  });
  const report = await runChecks({
    checks: opts.checks ?? ALL_CHECKS,
    context: { probes, platform: opts.platform, now: () => new Date(), settings: opts.settings ?? {} },
    requirements: opts.requirements ?? BASELINE_REQUIREMENTS,
    requirementsSource: opts.requirements ? 'service' : 'baseline',
    mode: 'live',
  });
  return { report, records: probes.records() };
}

/** Evaluates a diagnose bundle as if on the machine it came from (its OS, its clock). */
export async function collectReplay(bundle: Bundle, opts: CollectOptions = {}): Promise<PostureReport> {
  const at = new Date(bundle.collectedAt);
  return runChecks({
    checks: opts.checks ?? ALL_CHECKS,
    context: { probes: createReplayProbeRunner(bundle), platform: bundle.platform, now: () => at, settings: opts.settings ?? {} },
    requirements: opts.requirements ?? BASELINE_REQUIREMENTS,
    requirementsSource: opts.requirements ? 'service' : 'baseline',
    mode: 'replay',
  });
}

/** A bundle of this collection's probe records. */
export function makeBundle(platform: Platform, records: ProbeRecord[], collectedAt: string): Bundle {
  return { format: BUNDLE_FORMAT, agent: { name: AGENT_NAME, version: AGENT_VERSION }, platform, arch: arch(), collectedAt, probes: records };
}

/**
 * Reads and validates a bundle file.
 * @throws PostureError BUNDLE_INVALID when it is unreadable, not JSON, or not a bundle.
 */
export async function loadBundle(path: string): Promise<Bundle> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (e) {
    throw new PostureError('BUNDLE_INVALID', `cannot read bundle ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new PostureError('BUNDLE_INVALID', `bundle ${path} is not JSON`);
  }
  if (!Value.Check(BundleSchema, data)) {
    const first = [...Value.Errors(BundleSchema, data)][0];
    throw new PostureError('BUNDLE_INVALID', `bundle ${path} is not a ${BUNDLE_FORMAT} bundle: ${first ? `${first.path || '/'} ${first.message}` : 'invalid'}`);
  }
  return data;
}
