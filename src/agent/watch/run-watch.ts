/**
 * The watcher as the `run` daemon uses it: paused while an attestation runs, restarted
 * with the new report as baseline after one succeeds, and able to cut the daemon's sleep
 * short when it sees a change, within the flap policy (`trigger-policy.ts`).
 */
import type { PostureReport } from '../../shared/check-result.js';
import { describeTransitions } from './compare.js';
import { nextWatchAttestAt, pruneWatchHistory, WATCH_TRIGGER_POLICY, type WatchTriggerPolicy } from './trigger-policy.js';
import { createPostureWatcher, type WatchChange } from './watcher.js';

export type WakeReason = 'timer' | 'watch' | 'stopped';

export interface RunWatchOptions {
  collect: () => Promise<PostureReport>;
  intervalMs: number;
  /** One line per event, e.g. "edr regressed: pass → fail; re-attesting now". */
  log: (msg: string) => void;
  now?: () => number;
  policy?: WatchTriggerPolicy;
}

export interface RunWatch {
  /** Before an attestation: no ticks, and any deferred wake-up is dropped (that attestation covers it). */
  pause(): void;
  /** After an attestation: `baseline` when it succeeded (else the previous one stays), then ticks. */
  resume(baseline?: PostureReport): void;
  /** Sleeps `ms`, or less when a watched change wakes the daemon, or until `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<WakeReason>;
  stop(): void;
}

export function createRunWatch(opts: RunWatchOptions): RunWatch {
  const now = opts.now ?? Date.now;
  const policy = opts.policy ?? WATCH_TRIGGER_POLICY;
  let history: number[] = [];
  let hasBaseline = false;
  let deferred: ReturnType<typeof setTimeout> | undefined;
  let pendingWake = false;
  let wakeSleeper: ((r: WakeReason) => void) | undefined;
  let lastError = '';

  const wake = (): void => {
    deferred = undefined;
    history = [...pruneWatchHistory(history, now(), policy), now()];
    if (wakeSleeper) wakeSleeper('watch');
    else pendingWake = true;
  };

  const onChange = (c: WatchChange): void => {
    if (deferred) clearTimeout(deferred);
    const delay = Math.max(0, nextWatchAttestAt(history, now(), policy) - now());
    opts.log(`${describeTransitions(c.transitions)}; re-attesting ${delay === 0 ? 'now' : `in ${Math.ceil(delay / 1000)} s (flap limit: ${policy.maxPerWindow} watcher attestations a minute, ${policy.minGapMs / 1000} s apart)`}`);
    if (delay === 0) wake();
    else {
      deferred = setTimeout(wake, delay);
      deferred.unref?.();
    }
  };

  const watcher = createPostureWatcher({
    collect: opts.collect,
    intervalMs: opts.intervalMs,
    onChange,
    onError: (e) => {
      // Once per distinct error: a probe that keeps failing must not fill the log every tick.
      const msg = e instanceof Error ? e.message : String(e);
      if (msg !== lastError) opts.log(`watcher reading failed (${msg.slice(0, 200)}); still watching`);
      lastError = msg;
    },
    now,
  });

  const pause = (): void => {
    watcher.stop();
    if (deferred) clearTimeout(deferred);
    deferred = undefined;
    pendingWake = false;
  };

  return {
    pause,
    resume(baseline) {
      if (baseline) {
        watcher.setBaseline(baseline);
        hasBaseline = true;
      }
      if (hasBaseline) watcher.start();
    },
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.resolve('stopped');
      if (pendingWake) {
        pendingWake = false;
        return Promise.resolve('watch');
      }
      return new Promise<WakeReason>((resolve) => {
        const done = (r: WakeReason): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          wakeSleeper = undefined;
          resolve(r);
        };
        const onAbort = (): void => done('stopped');
        const timer = setTimeout(() => done('timer'), ms);
        signal?.addEventListener('abort', onAbort, { once: true });
        wakeSleeper = done;
      });
    },
    stop() {
      pause();
      wakeSleeper?.('stopped');
    },
  };
}
