import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRunWatch, nextWatchAttestAt, pruneWatchHistory, WATCH_TRIGGER_POLICY } from '../../../src/agent/watch/index.js';
import type { PostureReport } from '../../../src/shared/check-result.js';
import { edrStopped, fileVaultOff, laptop, readWatched } from './bundles.js';

describe('watcher trigger policy (flap limit)', () => {
  const T = 1_000_000;
  it('lets the first watcher attestation start at once', () => {
    expect(nextWatchAttestAt([], T)).toBe(T);
  });

  it('keeps watcher attestations at least 2 s apart', () => {
    expect(nextWatchAttestAt([T - 500], T)).toBe(T - 500 + 2_000);
    expect(nextWatchAttestAt([T - 2_000], T)).toBe(T);
  });

  it('allows at most 6 a minute, then waits until the oldest leaves the window', () => {
    const six = [0, 10, 20, 30, 40, 50].map((s) => T - 55_000 + s * 1000);
    expect(nextWatchAttestAt(six, T)).toBe(six[0]! + 60_000);
    expect(nextWatchAttestAt(six.slice(1), T)).toBe(T);
    // Order does not matter, and entries older than the window do not count.
    expect(nextWatchAttestAt([...six].reverse(), T)).toBe(six[0]! + 60_000);
    expect(pruneWatchHistory([T - 61_000, T - 1_000], T)).toEqual([T - 1_000]);
  });

  it('is 2 s apart and 6 a minute by default', () => {
    expect(WATCH_TRIGGER_POLICY).toEqual({ minGapMs: 2_000, maxPerWindow: 6, windowMs: 60_000 });
  });
});

let ok: PostureReport;
let noEdr: PostureReport;
let noFileVault: PostureReport;
beforeAll(async () => {
  [ok, noEdr, noFileVault] = await Promise.all([readWatched(laptop), readWatched(edrStopped), readWatched(fileVaultOff)]);
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(current: () => PostureReport) {
  const lines: string[] = [];
  let reads = 0;
  const rw = createRunWatch({
    collect: async () => {
      reads++;
      return current();
    },
    intervalMs: 1_000,
    log: (m) => lines.push(m),
  });
  return { rw, lines, reads: () => reads };
}

describe('run watch (the daemon side)', () => {
  it('sleeps the full delay when nothing changes', async () => {
    vi.useFakeTimers();
    const s = setup(() => ok);
    s.rw.resume(ok);
    const woke = s.rw.sleep(30_000);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await woke).toBe('timer');
    expect(s.reads()).toBe(30);
    expect(s.lines).toEqual([]);
    s.rw.stop();
  });

  it('cuts the sleep short within one interval of a regression, with one log line naming the check', async () => {
    vi.useFakeTimers();
    let current = ok;
    const s = setup(() => current);
    s.rw.resume(ok);
    const woke = s.rw.sleep(300_000);
    await vi.advanceTimersByTimeAsync(2_500);
    current = noEdr;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await woke).toBe('watch');
    expect(s.lines).toEqual(['edr regressed: pass → fail; re-attesting now']);
    s.rw.stop();
  });

  it('defers a second watcher attestation to 2 s after the first, never drops it', async () => {
    vi.useFakeTimers();
    let current = noEdr;
    const s = setup(() => current);
    s.rw.resume(ok);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await s.rw.sleep(300_000)).toBe('watch'); // woke before it slept: returns at once
    // The "attestation" failed (service down): no new baseline, watching goes on.
    s.rw.pause();
    s.rw.resume();
    current = noFileVault;
    const second = s.rw.sleep(300_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(s.lines.at(-1)).toBe('disk_encryption regressed: pass → fail; re-attesting in 1 s (flap limit: 6 watcher attestations a minute, 2 s apart)');
    await vi.advanceTimersByTimeAsync(999);
    await vi.advanceTimersByTimeAsync(1);
    expect(await second).toBe('watch');
    s.rw.stop();
  });

  it('caps watcher attestations at 6 a minute, 2 s apart, for a signal that keeps changing', async () => {
    vi.useFakeTimers();
    const readings = [noEdr, noFileVault];
    let i = 0;
    const s = setup(() => readings[i++ % 2]!);
    const wakes: number[] = [];
    let base = ok;
    // Each wake "attests" and takes a baseline the next reading differs from: a change every tick.
    for (let k = 0; k < 8; k++) {
      s.rw.resume(base);
      let woke: string | undefined;
      void s.rw.sleep(300_000).then((r) => (woke = r));
      while (!woke) await vi.advanceTimersByTimeAsync(100);
      expect(woke).toBe('watch');
      wakes.push(Date.now());
      s.rw.pause();
      base = base === ok ? noEdr : ok;
    }
    const gaps = wakes.slice(1).map((t, k) => t - wakes[k]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2_000);
    // The 7th waits until the 1st has left the one-minute window.
    expect(wakes[6]! - wakes[0]!).toBeGreaterThanOrEqual(60_000);
    expect(wakes.filter((t) => t < wakes[0]! + 60_000)).toHaveLength(6);
    expect(s.lines.some((l) => l.includes('flap limit'))).toBe(true);
    s.rw.stop();
  });

  it('returns "stopped" when the stop signal aborts, and drops a deferred wake on pause', async () => {
    vi.useFakeTimers();
    const s = setup(() => ok);
    s.rw.resume(ok);
    const ac = new AbortController();
    const woke = s.rw.sleep(300_000, ac.signal);
    ac.abort();
    expect(await woke).toBe('stopped');
    expect(await s.rw.sleep(1, ac.signal)).toBe('stopped');
    s.rw.stop();
  });

  it('logs a failing reading once, not every tick', async () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const rw = createRunWatch({ collect: () => Promise.reject(new Error('ps: permission denied')), intervalMs: 1_000, log: (m) => lines.push(m) });
    rw.resume(ok);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(lines).toEqual(['watcher reading failed (ps: permission denied); still watching']);
    rw.stop();
  });
});
