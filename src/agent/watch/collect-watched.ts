/**
 * The cheap reading a watcher takes between full attestations: only the watched checks,
 * live on this machine, with the same collectors as a full attestation. On Linux and
 * macOS they run exactly as in an attestation, so a reading compares like with like with
 * the attestation's report. On Windows they run through the cheap probe runner
 * (`cheap-probes.ts`: no PowerShell, no wmic), so a reading may see fewer facts than the
 * attestation did and must be compared with a cheap baseline (`baseline.ts`), never with
 * the attestation's report.
 *
 * Nothing is cached: a fresh probe runner per reading, and no probe cache directory, so
 * every tick reads the process list, lsblk / fdesetup / BitLocker and the firewall state
 * anew. A cached reading could hide exactly the regression the watcher is for (none of
 * these collectors asks for `cacheWhileUnchanged` today; passing no cache directory keeps
 * it that way if one ever does).
 */
import type { Platform } from '../../shared/check-ids.js';
import type { PostureReport } from '../../shared/check-result.js';
import { BASELINE_REQUIREMENTS, type Requirements } from '../../shared/requirements.js';
import { diskEncryptionCheck } from '../checks/disk-encryption/index.js';
import { edrCheck } from '../checks/edr/index.js';
import { firewallCheck } from '../checks/firewall/index.js';
import { runChecks } from '../checks/run-checks.js';
import type { AnyCheckDefinition } from '../checks/types.js';
import { ALLOWED_COMMANDS } from '../exec/allowlist.js';
import { createCommandRunner } from '../exec/run-command.js';
import { createLiveProbeRunner } from '../probes/live-runner.js';
import type { ProbeRunner } from '../probes/types.js';
import { createCheapProbeRunner } from './cheap-probes.js';

/** The check definitions behind `WATCHED_CHECKS`. */
export const WATCHED_CHECK_DEFINITIONS: readonly AnyCheckDefinition[] = [edrCheck, diskEncryptionCheck, firewallCheck];

/**
 * Milliseconds between watcher readings, per OS.
 * - linux 3 s: MEASURED on Debian 12 (2 vCPU AMD EPYC VM, root, no EDR, no firewall
 *   tools): a reading takes 7.5 ms wall (median; p95 11 ms, 200 readings) and 10 ms of CPU
 *   (3 ms in the agent, 7 ms in the `ps` and `lsblk` children), i.e. 0.34 % of one core
 *   at 3 s (VM busy, load 4.5: 14 ms median, p95 ~45 ms, 12 ms CPU). A machine with ufw/nft/an EDR CLI adds a few ms per tool. See docs/tray-app.md
 *   "Watching for regressions" for how it was measured.
 * - darwin 5 s: UNMEASURED (no Mac here). `ps`, two directory listings, `fdesetup status`,
 *   `socketfilterfw` ×2 and the detected product's CLI (e.g. `mdatp health`, ~0.5–1 s of
 *   its own work) are assumed to cost ~100–300 ms of CPU, i.e. a few % at 5 s.
 * - win32 5 s: UNMEASURED (no Windows here). The cheap reading (`cheap-probes.ts`) starts
 *   no PowerShell: `tasklist`, `manage-bde -status` and four `reg query` runs (firewall
 *   EnableFirewall local + Group Policy, Defender DisableRealtimeMonitoring local + Group
 *   Policy; Defender's only when tasklist shows it), plus `netsh advfirewall` only when
 *   the firewall registry cannot answer, and two directory listings. Assumed ~50–150 ms
 *   of CPU each for `tasklist` and `manage-bde` including process creation and
 *   BitLocker's own status query, and ~10–30 ms for each small `reg query`, i.e.
 *   ~0.15–0.45 s a reading, 3–9 % of one core at 5 s: about the CPU the PowerShell
 *   reading (1.5–2.5 s) cost at the former 30 s, for six times faster detection. 5 s plus
 *   one full attestation (a few seconds of PowerShell) keeps "regression → deny within
 *   ~10 s" reachable on Windows. Measure before tuning; `--watch-interval` overrides it.
 */
export const DEFAULT_WATCH_INTERVAL_MS: Readonly<Record<Platform, number>> = { linux: 3_000, darwin: 5_000, win32: 5_000 };

export interface CollectWatchedOptions {
  platform: Platform;
  /**
   * The requirements the baseline report was judged against (the state's last
   * requirements before that attestation), so that statuses compare like with like.
   * The built-in baseline when absent.
   */
  requirements?: Requirements;
}

/** Reads the watched checks live, uncached, cheaply. Never throws for a check's failure (it reads `unknown`). */
export async function collectWatched(opts: CollectWatchedOptions): Promise<PostureReport> {
  const probes = createLiveProbeRunner({ commands: createCommandRunner(ALLOWED_COMMANDS, opts.platform) });
  return collectWatchedWith(probes, { ...opts, mode: 'live' });
}

export interface CollectWatchedWithOptions extends CollectWatchedOptions {
  mode: PostureReport['mode'];
  /** The reading's clock (a replayed bundle's `collectedAt`); the wall clock when absent. */
  now?: () => Date;
}

/**
 * The watcher's reading over any probe runner (live, or a replayed bundle in tests and
 * benchmarks): the watched checks through `createCheapProbeRunner`. A check's `probes`
 * lists only the probes that ran; a refused probe shows up as a `not-collected` gap.
 */
export async function collectWatchedWith(probes: ProbeRunner, opts: CollectWatchedWithOptions): Promise<PostureReport> {
  const cheap = createCheapProbeRunner(probes, opts.platform);
  const report = await runChecks({
    checks: WATCHED_CHECK_DEFINITIONS,
    context: { probes: cheap, platform: opts.platform, now: opts.now ?? (() => new Date()), settings: {} },
    requirements: opts.requirements ?? BASELINE_REQUIREMENTS,
    requirementsSource: opts.requirements ? 'service' : 'baseline',
    mode: opts.mode,
  });
  const refused = new Set(cheap.refused());
  if (refused.size === 0) return report;
  return { ...report, checks: report.checks.map((c) => ({ ...c, probes: c.probes.filter((k) => !refused.has(k)) })) };
}
