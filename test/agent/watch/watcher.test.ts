import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPostureWatcher, type WatchChange } from '../../../src/agent/watch/index.js';
import type { PostureReport } from '../../../src/shared/check-result.js';
import { edrStopped, fileVaultOff, laptop, readWatched } from './bundles.js';

// Readings replayed from real fixtures once; the watcher's collect hands them out, so fake
// timers drive the schedule deterministically.
let ok: PostureReport;
let noEdr: PostureReport;
let noFileVault: PostureReport;
beforeAll(async () => {
  [ok, noEdr, noFileVault] = await Promise.all([readWatched(laptop), readWatched(edrStopped), readWatched(fileVaultOff)]);
});
afterEach(() => {
  vi.useRealTimers();
});

/** A watcher whose collect returns `current()` and counts its calls. */
function setup(current: () => PostureReport | Promise<PostureReport>, intervalMs = 1000) {
  const changes: WatchChange[] = [];
  const errors: unknown[] = [];
  let reads = 0;
  const w = createPostureWatcher({
    collect: async () => {
      reads++;
      return current();
    },
    intervalMs,
    onChange: (c) => changes.push(c),
    onError: (e) => errors.push(e),
    now: () => 42,
  });
  return { w, changes, errors, reads: () => reads };
}

describe('posture watcher', () => {
  it('reports a regression once (EDR daemons gone), not again on later ticks with the same reading', async () => {
    vi.useFakeTimers();
    const s = setup(() => noEdr);
    s.w.setBaseline(ok);
    s.w.start();
    await vi.advanceTimersByTimeAsync(5_500);
    expect(s.reads()).toBe(5);
    expect(s.changes).toHaveLength(1);
    expect(s.changes[0]).toMatchObject({ regressions: ['edr'], improvements: [], changed: [], at: 42 });
    expect(s.changes[0]?.reading).toBe(noEdr);
    s.w.stop();
  });

  it('reports an improvement (FileVault turned back on) so access comes back fast', async () => {
    const s = setup(() => ok);
    s.w.setBaseline(noFileVault);
    expect(await s.w.tick()).toMatchObject({ regressions: [], improvements: ['disk_encryption'] });
  });

  it('never reports an unchanged reading', async () => {
    vi.useFakeTimers();
    const s = setup(() => ok, 500);
    s.w.setBaseline(ok);
    s.w.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.reads()).toBe(20);
    expect(s.changes).toEqual([]);
    s.w.stop();
  });

  it('keeps watching after a reading throws, and reports the error', async () => {
    vi.useFakeTimers();
    let n = 0;
    const s = setup(() => {
      n++;
      if (n <= 2) throw new Error('ps timed out');
      return noEdr;
    });
    s.w.setBaseline(ok);
    s.w.start();
    await vi.advanceTimersByTimeAsync(3_500);
    expect(s.errors.map((e) => (e as Error).message)).toEqual(['ps timed out', 'ps timed out']);
    expect(s.changes.map((c) => c.regressions)).toEqual([['edr']]);
    s.w.stop();
  });

  it('stops ticking on stop(), and reports nothing from a reading in flight', async () => {
    vi.useFakeTimers();
    let release: (r: PostureReport) => void = () => undefined;
    const s = setup(() => new Promise<PostureReport>((r) => (release = r)));
    s.w.setBaseline(ok);
    s.w.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(s.reads()).toBe(1);
    s.w.stop();
    release(noEdr);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.reads()).toBe(1);
    expect(s.changes).toEqual([]);
  });

  it('never overlaps readings: a tick during a slow reading joins it', async () => {
    let release: (r: PostureReport) => void = () => undefined;
    const s = setup(() => new Promise<PostureReport>((r) => (release = r)));
    s.w.setBaseline(ok);
    const a = s.w.tick();
    const b = s.w.tick();
    release(noEdr);
    expect(await a).toBe(await b);
    expect(s.reads()).toBe(1);
    expect(s.changes).toHaveLength(1);
  });

  it('does not storm while the baseline stays (service down): a flapping signal reports each reading once', async () => {
    const seq = [noEdr, ok, noEdr, ok, noFileVault, noEdr];
    let i = 0;
    const s = setup(() => seq[i++] ?? ok);
    s.w.setBaseline(ok);
    for (let k = 0; k < seq.length; k++) await s.w.tick();
    expect(s.changes.map((c) => [...c.regressions])).toEqual([['edr'], ['disk_encryption']]);
  });

  it('reports the same change again after a new baseline', async () => {
    const s = setup(() => noEdr);
    s.w.setBaseline(ok);
    expect(await s.w.tick()).toBeDefined();
    expect(await s.w.tick()).toBeUndefined();
    s.w.setBaseline(ok);
    expect(await s.w.tick()).toMatchObject({ regressions: ['edr'] });
    // With the regressed report as baseline, the same reading is no change.
    s.w.setBaseline(noEdr);
    expect(await s.w.tick()).toBeUndefined();
  });

  it('reads nothing before it has a baseline', async () => {
    const s = setup(() => noEdr);
    expect(await s.w.tick()).toBeUndefined();
    expect(s.reads()).toBe(0);
  });

  it('keeps its timer from holding the process open (unref)', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const s = setup(() => ok);
    s.w.setBaseline(ok);
    s.w.start();
    const handle = spy.mock.results.at(-1)?.value as NodeJS.Timeout;
    expect(handle.hasRef()).toBe(false);
    s.w.stop();
    spy.mockRestore();
  });

  it('start() twice keeps one schedule', async () => {
    vi.useFakeTimers();
    const s = setup(() => ok);
    s.w.setBaseline(ok);
    s.w.start();
    s.w.start();
    await vi.advanceTimersByTimeAsync(3_500);
    expect(s.reads()).toBe(3);
    s.w.stop();
  });
});
