/**
 * The probe runner behind a watcher's cheap reading. On Windows the full collectors start
 * PowerShell three to four times a reading (Security Center CIM, `Get-MpComputerStatus`,
 * the BitLocker CIM query, `Get-NetFirewallProfile`; ~0.3–0.7 s of CPU each to start), far
 * too much every few seconds. Each of those collectors already falls back to native
 * executables when its PowerShell probe fails, so the cheap reading runs the SAME
 * collectors through this wrapper, which answers every other command with the probe error
 * `not-collected` without starting anything, and the collectors take their fallback paths:
 * - edr: `tasklist`, plus two `reg query` runs for Defender's DisableRealtimeMonitoring
 *   (local and Group Policy), which can show real-time protection switched off;
 * - disk_encryption: `manage-bde -status`;
 * - firewall: two `reg query … /s /v EnableFirewall` runs (local and Group Policy; any
 *   display language), and `netsh advfirewall show allprofiles state` only when those
 *   cannot answer (English labels only).
 * A fact with no cheap fallback (Defender's own health, and its real-time protection being
 * ON, from `Get-MpComputerStatus`) is left out of the reading (its gap says why).
 *
 * `wmic` is refused too: in the cheap reading it would run every tick (it is the fallback
 * of the refused Security Center query), it is a WMI client whose query also wakes the WMI
 * provider host, it is deprecated and disabled by default from Windows 11 24H2, and it
 * gives only the names of registered antivirus products (no on/off state), which the
 * process list and install directories already cover for every product we watch.
 *
 * An allow-list, not a deny-list, so that a probe added to a collector later cannot make
 * the watcher expensive unnoticed (it would show up as a refused probe instead). It lists
 * commands, not probes: a `reg` probe added later to these three collectors runs in the
 * cheap reading too, so keep such queries small (one key or a `/s /v <name>` search,
 * never a whole tree such as the firewall's hundreds of rules).
 * Linux and macOS readings are cheap as they are: nothing is refused there.
 */
import type { Platform } from '../../shared/check-ids.js';
import { notCollected, type ProbeRunner } from '../probes/types.js';

/** The commands a cheap reading may run per OS; `all` when the full collectors are cheap already. */
export const CHEAP_READING_COMMANDS: Readonly<Record<Platform, 'all' | readonly string[]>> = {
  linux: 'all',
  darwin: 'all',
  win32: ['tasklist', 'manage-bde', 'netsh', 'reg'],
};

/** True when a cheap reading on `platform` skips probes a full attestation runs (its facts may differ). */
export function cheapReadingSkipsProbes(platform: Platform): boolean {
  return CHEAP_READING_COMMANDS[platform] !== 'all';
}

export interface CheapProbeRunner extends ProbeRunner {
  /** Keys of the probes refused so far (sorted, no duplicates). */
  refused(): string[];
}

/**
 * Wraps `inner` so that only `CHEAP_READING_COMMANDS[platform]` run; every other command
 * answers `error: 'not-collected'` at once. File reads and directory listings always pass
 * (no process starts for them).
 */
export function createCheapProbeRunner(inner: ProbeRunner, platform: Platform): CheapProbeRunner {
  const allowed = CHEAP_READING_COMMANDS[platform];
  const refused = new Set<string>();
  return {
    exec(probe, command, args, opts) {
      if (allowed === 'all' || allowed.includes(command)) return inner.exec(probe, command, args, opts);
      const out = notCollected(probe, opts?.instance, `not run in the watcher's cheap reading (${command} costs too much CPU every few seconds); the full attestation reads it`);
      refused.add(out.key);
      return Promise.resolve(out);
    },
    readFile: (probe, path, opts) => inner.readFile(probe, path, opts),
    listDir: (probe, path, opts) => inner.listDir(probe, path, opts),
    refused: () => [...refused].sort(),
  };
}
