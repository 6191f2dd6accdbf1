/**
 * The watcher's baseline for one attestation.
 *
 * Where a watcher reading runs the same probes as the attestation (Linux, macOS), the
 * baseline is the attestation's own report: exactly what the service judged.
 *
 * Where it does not (Windows, see `cheap-probes.ts`), comparing a cheap reading with the
 * full report would call every fact only PowerShell sees (Defender's health, for one) a
 * regression, so the baseline is a cheap reading of its own. It is taken just BEFORE the
 * attestation, not after: a regression between the attestation's collection and a later
 * baseline reading would be absorbed into the baseline and go unnoticed until the next
 * full attestation (minutes). Taken before, a change at any time after the baseline makes
 * the next reading differ from it; at worst a change that the attestation already saw
 * re-attests once more (within the flap limit).
 */
import type { Platform } from '../../shared/check-ids.js';
import type { PostureReport } from '../../shared/check-result.js';
import { cheapReadingSkipsProbes } from './cheap-probes.js';

export interface AttestWithWatchBaselineOptions<T> {
  platform: Platform;
  attest: () => Promise<T>;
  /** The watcher's reading (`collectWatched`, judged against the same requirements as the attestation). */
  read: () => Promise<PostureReport>;
}

export interface AttestedWithBaseline<T> {
  outcome: T;
  /** The watcher's new baseline; absent when the cheap reading threw (keep the previous one). */
  baseline?: PostureReport;
  /** Why the cheap baseline reading failed, for the log. */
  baselineError?: unknown;
}

/** True when the watcher on `platform` needs a cheap reading as its baseline, not the attestation's report. */
export function watchNeedsOwnBaseline(platform: Platform): boolean {
  return cheapReadingSkipsProbes(platform);
}

/**
 * Runs `attest` and returns its outcome with the watcher's baseline for it. Throws what
 * `attest` throws (then no baseline: the previous one stays).
 */
export async function attestWithWatchBaseline<T extends { report: PostureReport }>(opts: AttestWithWatchBaselineOptions<T>): Promise<AttestedWithBaseline<T>> {
  if (!watchNeedsOwnBaseline(opts.platform)) {
    const outcome = await opts.attest();
    return { outcome, baseline: outcome.report };
  }
  let baseline: PostureReport | undefined;
  let baselineError: unknown;
  try {
    baseline = await opts.read();
  } catch (e) {
    baselineError = e;
  }
  const outcome = await opts.attest();
  return baseline ? { outcome, baseline } : { outcome, baselineError };
}
