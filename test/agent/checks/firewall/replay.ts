/**
 * Builds diagnose bundles in code from fixture files and runs checks over them with the
 * replay runner, for the firewall, screen-lock, mdm and mfa collect tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecks } from '../../../../src/agent/checks/run-checks.js';
import type { AnyCheckDefinition, CheckSettings } from '../../../../src/agent/checks/types.js';
import { createReplayProbeRunner } from '../../../../src/agent/probes/replay-runner.js';
import { BUNDLE_FORMAT, type Bundle, type ProbeError, type ProbeRecord } from '../../../../src/shared/bundle.js';
import type { Platform } from '../../../../src/shared/check-ids.js';
import type { CheckResult } from '../../../../src/shared/check-result.js';
import type { Requirements } from '../../../../src/shared/requirements.js';
import { FIXTURES_DIR } from '../../../helpers/fixtures.js';

/** Raw bytes of `test/fixtures/<rel>`. */
export function fixture(rel: string): Buffer {
  return readFileSync(join(FIXTURES_DIR, rel));
}

export interface RecordOptions {
  stdout?: string | Buffer;
  stderr?: string;
  exitCode?: number | null;
  error?: ProbeError;
  kind?: ProbeRecord['kind'];
  encoding?: string;
}

/** One probe record; `key` may carry `#instance`. Buffers are stored as base64, byte-exact. */
export function rec(key: string, o: RecordOptions = {}): ProbeRecord {
  const probe = key.split('#')[0] ?? key;
  const r: ProbeRecord = {
    key,
    probe,
    kind: o.kind ?? 'exec',
    startedAt: '2025-06-02T09:00:00.000Z',
    durationMs: 1,
    exitCode: o.exitCode === undefined ? (o.kind && o.kind !== 'exec' ? null : 0) : o.exitCode,
  };
  if (Buffer.isBuffer(o.stdout)) r.stdoutBase64 = o.stdout.toString('base64');
  else r.stdout = o.stdout ?? '';
  if (o.stderr !== undefined) r.stderr = o.stderr;
  if (o.error) r.error = o.error;
  if (o.encoding) r.encoding = o.encoding;
  return r;
}

/** A file probe record that says the path does not exist. */
export function absent(key: string, kind: 'file' | 'dir' = 'file'): ProbeRecord {
  return rec(key, { kind, error: 'not-found' });
}

/** A directory listing record. */
export function dir(key: string, names: readonly string[]): ProbeRecord {
  return rec(key, { kind: 'dir', stdout: names.join('\n') });
}

/** A bundle of `platform` holding `records`. */
export function bundle(platform: Platform, records: ProbeRecord[]): Bundle {
  return {
    format: BUNDLE_FORMAT,
    agent: { name: 'posture-agent', version: 'test' },
    platform,
    collectedAt: '2025-06-02T09:00:00.000Z',
    note: 'composed in tests from fixture files; see test/fixtures',
    probes: records,
  };
}

/** Runs one check over a bundle and returns its result. */
export async function replay(check: AnyCheckDefinition, b: Bundle, requirements: Requirements, settings: CheckSettings = {}): Promise<CheckResult> {
  const report = await runChecks({
    checks: [check],
    context: { probes: createReplayProbeRunner(b), platform: b.platform, now: () => new Date(b.collectedAt), settings },
    requirements,
    requirementsSource: 'baseline',
    mode: 'replay',
  });
  const result = report.checks[0];
  if (!result) throw new Error('no result');
  return result;
}
