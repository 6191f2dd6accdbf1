/**
 * How often a watcher may start an attestation (pure). A flapping signal (an EDR daemon
 * restarting in a loop, a probe that times out every other tick) must not flood the
 * service: watcher-triggered attestations start at least `minGapMs` apart and at most
 * `maxPerWindow` per `windowMs`. A change that arrives too early is deferred to the
 * earliest allowed time, never dropped (the watcher reports each change only once).
 */

export interface WatchTriggerPolicy {
  minGapMs: number;
  maxPerWindow: number;
  windowMs: number;
}

/** At least 2 s apart, at most 6 a minute. */
export const WATCH_TRIGGER_POLICY: WatchTriggerPolicy = { minGapMs: 2_000, maxPerWindow: 6, windowMs: 60_000 };

/**
 * The earliest time (ms) a watcher-triggered attestation may start, given when the
 * earlier ones started (any order). Returns `now` when it may start at once.
 */
export function nextWatchAttestAt(history: readonly number[], now: number, policy: WatchTriggerPolicy = WATCH_TRIGGER_POLICY): number {
  const recent = history.filter((t) => t > now - policy.windowMs).sort((a, b) => a - b);
  let at = now;
  const last = recent.at(-1);
  if (last !== undefined) at = Math.max(at, last + policy.minGapMs);
  // The window is full: wait until enough of its oldest entries have left it.
  if (recent.length >= policy.maxPerWindow) {
    const leaving = recent[recent.length - policy.maxPerWindow];
    if (leaving !== undefined) at = Math.max(at, leaving + policy.windowMs);
  }
  return at;
}

/** `history` without the entries that can no longer matter at `now`. */
export function pruneWatchHistory(history: readonly number[], now: number, policy: WatchTriggerPolicy = WATCH_TRIGGER_POLICY): number[] {
  return history.filter((t) => t > now - policy.windowMs);
}
