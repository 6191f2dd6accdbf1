/**
 * The cheap reading a watcher takes between full attestations: only the watched checks,
 * live on this machine, with the same collectors (and so the same facts and statuses) as
 * a full attestation.
 *
 * Nothing is cached: a fresh probe runner per reading, and no probe cache directory, so
 * every tick reads the process list, lsblk / fdesetup / BitLocker and the firewall state
 * anew. A cached reading could hide exactly the regression the watcher is for (none of
 * these collectors asks for `cacheWhileUnchanged` today; passing no cache directory keeps
 * it that way if one ever does).
 */
import type { Platform } from '../../shared/check-ids.js';
import type { PostureReport } from '../../shared/check-result.js';
import type { Requirements } from '../../shared/requirements.js';
import { diskEncryptionCheck } from '../checks/disk-encryption/index.js';
import { edrCheck } from '../checks/edr/index.js';
import { firewallCheck } from '../checks/firewall/index.js';
import type { AnyCheckDefinition } from '../checks/types.js';
import { collectLive } from '../collect.js';

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
 * - win32 30 s: UNMEASURED (no Windows here). Each reading starts three PowerShell
 *   processes (SecurityCenter2, Get-MpComputerStatus, BitLocker CIM, Get-NetFirewallProfile;
 *   ~0.3–0.7 s of CPU each to start) plus `tasklist`: assumed 1.5–2.5 s of CPU, which is
 *   5–8 % of a core at 30 s and far too much at 3 s. Detection on Windows is therefore
 *   ≤ ~30 s, not the ≤ 10 s goal; narrower Windows probes are future work.
 */
export const DEFAULT_WATCH_INTERVAL_MS: Readonly<Record<Platform, number>> = { linux: 3_000, darwin: 5_000, win32: 30_000 };

export interface CollectWatchedOptions {
  platform: Platform;
  /**
   * The requirements the baseline report was judged against (the state's last
   * requirements before that attestation), so that statuses compare like with like.
   * The built-in baseline when absent.
   */
  requirements?: Requirements;
}

/** Reads the watched checks live, uncached. Never throws for a check's failure (it reads `unknown`). */
export async function collectWatched(opts: CollectWatchedOptions): Promise<PostureReport> {
  const { report } = await collectLive({ platform: opts.platform, checks: WATCHED_CHECK_DEFINITIONS, ...(opts.requirements ? { requirements: opts.requirements } : {}) });
  return report;
}
