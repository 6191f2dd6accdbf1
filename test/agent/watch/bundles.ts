/**
 * Replay bundles for the watcher tests, built from real fixtures: the example macOS
 * laptop bundle (examples/bundles/macos-laptop.json, composed from fixture files; its
 * process list is synthetic, see its `note`) and variants with ONE record swapped:
 * - `edrStopped`: the same process list without the two Microsoft Defender daemons, and
 *   `mdatp health` answering test/fixtures/edr/linux/synthetic-mdatp-health__daemon-not-running-error.txt
 *   with exit code 1 (synthetic: Defender still installed, its daemons gone);
 * - `fileVaultOff`: `fdesetup status` from test/fixtures/disk_encryption/macos/fdesetup-status__synthetic-off.txt;
 * - `firewallOff`: `socketfilterfw` from test/fixtures/firewall/darwin/socketfilterfw__disabled-state-0.txt.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyCheckDefinition } from '../../../src/agent/checks/types.js';
import { collectReplay } from '../../../src/agent/collect.js';
import { createReplayProbeRunner } from '../../../src/agent/probes/replay-runner.js';
import { WATCHED_CHECK_DEFINITIONS } from '../../../src/agent/watch/index.js';
import type { Bundle } from '../../../src/shared/bundle.js';
import type { PostureReport } from '../../../src/shared/check-result.js';
import { FIXTURES_DIR } from '../../helpers/fixtures.js';

const ROOT = join(FIXTURES_DIR, '..', '..');

export const laptop = JSON.parse(readFileSync(join(ROOT, 'examples', 'bundles', 'macos-laptop.json'), 'utf8')) as Bundle;

/** `bundle` with record `key`'s stdout (and optionally exit code) replaced. */
export function withStdout(bundle: Bundle, key: string, stdout: string, exitCode?: number): Bundle {
  if (!bundle.probes.some((p) => p.key === key)) throw new Error(`bundle has no record ${key}`);
  return {
    ...bundle,
    probes: bundle.probes.map((p) => {
      if (p.key !== key) return p;
      const { stdoutBase64: _raw, ...rest } = p;
      return { ...rest, stdout, ...(exitCode !== undefined ? { exitCode } : {}) };
    }),
  };
}

const psOf = (b: Bundle): string => b.probes.find((p) => p.key === 'darwin.ps')?.stdout ?? '';
const fixture = (rel: string): string => readFileSync(join(FIXTURES_DIR, rel), 'utf8');

export const edrStopped = withStdout(
  withStdout(laptop, 'darwin.ps', psOf(laptop).split('\n').filter((l) => !l.includes('wdavdaemon')).join('\n')),
  'darwin.mdatp-health',
  fixture('edr/linux/synthetic-mdatp-health__daemon-not-running-error.txt'),
  1,
);
export const fileVaultOff = withStdout(laptop, 'darwin.fdesetup-status', fixture('disk_encryption/macos/fdesetup-status__synthetic-off.txt'));
export const firewallOff = withStdout(laptop, 'darwin.socketfilterfw', fixture('firewall/darwin/socketfilterfw__disabled-state-0.txt'));

/** The watched checks of a bundle, as the watcher's replayed reading. */
export function readWatched(bundle: Bundle): Promise<PostureReport> {
  return collectReplay(bundle, { checks: WATCHED_CHECK_DEFINITIONS });
}

/**
 * Check definitions whose collector on THIS machine (linux) runs the macOS collector
 * against whatever bundle `current()` returns at that moment: the real agent code
 * (attestOnce, collectLive) then "sees" a Mac whose state the test switches mid-run.
 */
export function replayedAsLinux(current: () => Bundle, defs: readonly AnyCheckDefinition[] = WATCHED_CHECK_DEFINITIONS): AnyCheckDefinition[] {
  return defs.map((def) => {
    const darwin = def.collectors.darwin;
    if (!darwin) throw new Error(`${def.id} has no macOS collector`);
    const linux = (ctx: Parameters<typeof darwin>[0]) => {
      const b = current();
      return darwin({ ...ctx, platform: 'darwin', probes: createReplayProbeRunner(b), now: () => new Date(b.collectedAt) });
    };
    return { ...def, collectors: { linux } } as AnyCheckDefinition;
  });
}
