/**
 * When an event should start an attestation: resume, unlock and network changes, and the
 * cheap posture watcher seeing a regression (DESIGN §10). Electron has no network-change
 * event in the main process, so the shell polls `os.networkInterfaces()` and compares
 * fingerprints. Pure.
 */
import { nextWatchAttestAt, WATCH_TRIGGER_POLICY } from '../watch/trigger-policy.js';

export type ReattestTrigger = 'resume' | 'unlock-screen' | 'network-change' | 'user-did-become-active' | 'watcher';

/** Several triggers often fire together (resume, then unlock, then Wi-Fi): one attestation covers them. */
export const TRIGGER_MIN_GAP_MS = 15_000;

/** True when an OS trigger at `now` should attest, given the last attempt's start. */
export function shouldReattest(lastAttemptAt: Date | undefined, now: Date, inFlight: boolean): boolean {
  if (inFlight) return false;
  return lastAttemptAt === undefined || now.getTime() - lastAttemptAt.getTime() >= TRIGGER_MIN_GAP_MS;
}

/**
 * When a `watcher` trigger may attest: a regression must not wait out the 15 s OS-event
 * gap, so it waits only the watcher's flap policy (2 s after any attempt, at most 6
 * watcher attestations a minute; `history` holds their start times in ms). A time after
 * `now` means: defer to then, do not drop (the watcher reports each change only once).
 */
export function watcherAttestAt(history: readonly number[], lastAttemptAt: Date | undefined, now: Date): Date {
  const afterLast = lastAttemptAt ? lastAttemptAt.getTime() + WATCH_TRIGGER_POLICY.minGapMs : 0;
  return new Date(Math.max(nextWatchAttestAt(history, now.getTime()), afterLast));
}

interface InterfaceAddress {
  address: string;
  family: string | number;
  internal: boolean;
}

/**
 * A stable string for the machine's external addresses; it changes when the device joins
 * another network. Loopback and link-local IPv6 addresses (which churn) are ignored.
 */
export function networkFingerprint(interfaces: Readonly<Record<string, readonly InterfaceAddress[] | undefined>>): string {
  const out: string[] = [];
  for (const [name, addrs] of Object.entries(interfaces)) {
    for (const a of addrs ?? []) {
      if (a.internal || /^fe80:/i.test(a.address)) continue;
      out.push(`${name}=${a.address}`);
    }
  }
  return out.sort().join(',');
}
