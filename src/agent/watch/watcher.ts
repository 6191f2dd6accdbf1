/**
 * A cheap posture watcher: every `intervalMs` it re-reads the watched checks (an injected
 * `collect`, live or replayed) and compares them with the baseline, the report of the last
 * full attestation. A change that should re-attest is reported ONCE per distinct reading
 * until the baseline changes, so a service that stays down (no new baseline) never sees a
 * storm of triggers.
 */
import type { CheckId } from '../../shared/check-ids.js';
import type { PostureReport } from '../../shared/check-result.js';
import { compareWatched, shouldReattestOn, WATCHED_CHECKS, type WatchComparison } from './compare.js';

/** A reported change: the comparison plus the reading that produced it. */
export interface WatchChange extends WatchComparison {
  reading: PostureReport;
  /** When the reading finished (the watcher's clock, ms since the epoch). */
  at: number;
}

export interface PostureWatcherOptions {
  /** Reads the watched checks (e.g. `collectWatched`, or a replay in tests and benchmarks). */
  collect: () => Promise<PostureReport>;
  intervalMs: number;
  onChange: (c: WatchChange) => void;
  /** A tick whose collect threw; the watcher keeps going. */
  onError?: (e: unknown) => void;
  now?: () => number;
  /** The checks to compare (default `WATCHED_CHECKS`). */
  checks?: readonly CheckId[];
}

export interface PostureWatcher {
  /** Ticks every `intervalMs` (the first one `intervalMs` from now). Idempotent. */
  start(): void;
  /** No further ticks; a tick in flight reports nothing. */
  stop(): void;
  /** Compares later readings with this report and forgets which changes were reported. */
  setBaseline(report: PostureReport): void;
  /**
   * One reading now (joins the one in flight, never overlaps). Resolves with the change
   * it reported, or undefined (no baseline, no change, already reported, error, or
   * superseded by stop()/setBaseline() while it ran).
   */
  tick(): Promise<WatchChange | undefined>;
}

/** Distinct changes remembered per baseline; past this, the oldest is forgotten. */
const MAX_REPORTED = 64;

/** Creates a watcher; nothing runs until `start()` or `tick()`. */
export function createPostureWatcher(opts: PostureWatcherOptions): PostureWatcher {
  const now = opts.now ?? Date.now;
  const checks = opts.checks ?? WATCHED_CHECKS;
  let baseline: PostureReport | undefined;
  let reported = new Set<string>();
  // Bumped by stop() and setBaseline(): a reading started before belongs to the old world.
  let generation = 0;
  let running = false;
  // Bumped by start()/stop(): a timer chain from an earlier start() ends.
  let loop = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inflight: Promise<WatchChange | undefined> | undefined;

  async function read(gen: number): Promise<WatchChange | undefined> {
    const base = baseline;
    if (!base) return undefined;
    let reading: PostureReport;
    try {
      reading = await opts.collect();
    } catch (e) {
      if (gen === generation) opts.onError?.(e);
      return undefined;
    }
    if (gen !== generation) return undefined;
    const cmp = compareWatched(base, reading, checks);
    if (!shouldReattestOn(cmp) || reported.has(cmp.signature)) return undefined;
    if (reported.size >= MAX_REPORTED) reported.delete(reported.values().next().value as string);
    reported.add(cmp.signature);
    const change: WatchChange = { ...cmp, reading, at: now() };
    try {
      opts.onChange(change);
    } catch (e) {
      opts.onError?.(e);
    }
    return change;
  }

  function tick(): Promise<WatchChange | undefined> {
    inflight ??= read(generation).finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  function schedule(id: number): void {
    if (!running || id !== loop) return;
    timer = setTimeout(() => {
      timer = undefined;
      // The next tick counts from the end of this one: slow reads never pile up.
      void tick().finally(() => schedule(id));
    }, opts.intervalMs);
    timer.unref?.();
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule(++loop);
    },
    stop() {
      running = false;
      loop++;
      generation++;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    setBaseline(report) {
      baseline = report;
      reported = new Set();
      generation++;
    },
    tick,
  };
}
