/** Builds diagnose bundles from os_patch fixture files and runs the check on them (test helper, not a test). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { osPatchCheck } from '../../../../src/agent/checks/os-patch/index.js';
import { runChecks } from '../../../../src/agent/checks/run-checks.js';
import { createReplayProbeRunner } from '../../../../src/agent/probes/replay-runner.js';
import { BUNDLE_FORMAT, type Bundle, type ProbeRecord } from '../../../../src/shared/bundle.js';
import type { Platform } from '../../../../src/shared/check-ids.js';
import type { CheckResult } from '../../../../src/shared/check-result.js';
import type { OsPatchFacts } from '../../../../src/shared/facts/os-patch.js';
import { BASELINE_REQUIREMENTS, type OsPatchRequirement } from '../../../../src/shared/requirements.js';
import { FIXTURES_DIR } from '../../../helpers/fixtures.js';

/** Raw bytes of a fixture under test/fixtures/os_patch. */
export function fixture(path: string): Buffer {
  return readFileSync(join(FIXTURES_DIR, 'os_patch', path));
}

/** A bundle record holding `data` as stdout (text when it is clean UTF-8, else base64, as `diagnose` writes it). */
export function rec(key: string, data: Buffer | string, extra: Partial<ProbeRecord> = {}): ProbeRecord {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    if (text.includes('\u0000')) text = undefined;
  } catch {
    text = undefined;
  }
  const probe = key.split('#')[0] ?? key;
  const kind = /^(linux\.(os-release|kernel-release|reboot-required|apt-history|dpkg-log|dnf-rpm-log|zypp-history|pacman-log|update-notifier)|darwin\.install-history)/.test(key)
    ? 'file'
    : /^linux\.(modules|apt-lists)$/.test(key)
      ? 'dir'
      : 'exec';
  return {
    key,
    probe,
    kind,
    startedAt: '2026-11-25T12:00:00.000Z',
    durationMs: 1,
    exitCode: kind === 'exec' ? 0 : null,
    ...(text !== undefined ? { stdout: text } : { stdoutBase64: buf.toString('base64') }),
    ...extra,
  };
}

export const missing = (key: string): ProbeRecord => rec(key, '', { error: 'not-found', errorDetail: 'ENOENT' });

export function bundle(platform: Platform, collectedAt: string, probes: ProbeRecord[]): Bundle {
  return { format: BUNDLE_FORMAT, agent: { name: 'posture-agent', version: 'test' }, platform, collectedAt, note: 'composed from test/fixtures/os_patch', probes };
}

/** Runs the check on a bundle; `requirement` null means the segment sets no os_patch requirement. */
export async function check(b: Bundle, requirement: OsPatchRequirement | null = BASELINE_REQUIREMENTS.os_patch ?? null): Promise<CheckResult & { facts: Partial<OsPatchFacts> }> {
  const report = await runChecks({
    checks: [osPatchCheck],
    context: { probes: createReplayProbeRunner(b), platform: b.platform, now: () => new Date(b.collectedAt), settings: {} },
    requirements: requirement ? { os_patch: requirement } : {},
    requirementsSource: 'baseline',
    mode: 'replay',
  });
  const result = report.checks[0];
  if (!result) throw new Error('no result');
  // Facts that reached the rule always match the schema (run-checks drops invalid ones as internal-error).
  expect(result.gaps.filter((g) => g.reason === 'internal-error')).toEqual([]);
  return result as CheckResult & { facts: Partial<OsPatchFacts> };
}

/** An InstallHistory.plist with one macOS update on `date` (constructed for date-relative tests). */
export function installHistory(date: string, name: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<array>\n\t<dict>\n\t\t<key>date</key>\n\t\t<date>${date}</date>\n\t\t<key>displayName</key>\n\t\t<string>${name}</string>\n\t\t<key>processName</key>\n\t\t<string>softwareupdated</string>\n\t</dict>\n</array>\n</plist>\n`;
}

