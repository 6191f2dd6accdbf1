import { describe, expect, it } from 'vitest';
import type { AgentState } from '../../../src/agent/state/agent-state.js';
import { TrayController, type TrayControllerDeps } from '../../../src/agent/tray/tray-controller.js';
import { trayStateOf, type TrayModel } from '../../../src/agent/tray/tray-model.js';
import type { PostureReport } from '../../../src/shared/check-result.js';
import { PostureError } from '../../../src/shared/errors.js';

const REPORT: PostureReport = { platform: 'linux', collectedAt: '2026-11-25T12:00:00Z', durationMs: 1, requirementsSource: 'service', mode: 'live', overall: 'pass', checks: [] };
const AGENT: AgentState = {
  version: 1, service: 'https://s.example', deviceId: 'dev_1', user: 'u', groups: [], jkt: 'j', enrolledAt: '2026-11-01T00:00:00Z',
  last: { attestedAt: '2026-11-25T12:00:00Z', postureToken: 't', expiresAt: '2026-11-25T12:10:00Z', freshUntil: '2026-11-25T12:10:00Z', earStatus: 'affirming', resources: {}, requirements: {}, nextAttestationIn: 120 },
};

function harness(over: Partial<TrayControllerDeps> = {}) {
  const timers: number[] = [];
  const states: string[] = [];
  const calls = { attest: 0, collect: 0, enroll: [] as string[][] };
  const now = new Date('2026-11-25T12:00:00Z');
  const deps: TrayControllerDeps = {
    loadState: async () => AGENT,
    attest: async () => {
      calls.attest++;
      return { state: AGENT, report: REPORT };
    },
    enroll: async (url, code) => {
      calls.enroll.push([url, code]);
      return AGENT;
    },
    collectLocal: async () => {
      calls.collect++;
      return { ...REPORT, requirementsSource: 'baseline' };
    },
    now: () => now,
    random: () => 0.5,
    setTimer: (_fn, ms) => {
      timers.push(ms);
      return { cancel: () => undefined };
    },
    onChange: (m: TrayModel) => states.push(trayStateOf(m, now)),
    ...over,
  };
  return { controller: new TrayController(deps), timers, states, calls };
}

describe('tray controller', () => {
  it('attests on start and schedules the next run from the service hint', async () => {
    const h = harness();
    await h.controller.start();
    expect(h.calls.attest).toBe(1);
    // The saved result is still fresh, so a background attestation never flickers to `checking`.
    expect(h.states).toEqual(['compliant', 'compliant', 'compliant']);
    expect(h.timers).toEqual([120_000]);
  });

  it('collects locally (baseline) instead of attesting when unenrolled', async () => {
    const h = harness({ loadState: async () => undefined });
    await h.controller.start();
    expect(h.calls).toMatchObject({ attest: 0, collect: 1 });
    expect(h.controller.model.report?.requirementsSource).toBe('baseline');
    expect(h.timers).toEqual([]);
  });

  it('goes offline with backoff when the service is unreachable, and shows a local report', async () => {
    const h = harness({ attest: async () => Promise.reject(new PostureError('SERVICE_UNREACHABLE', 'connect ECONNREFUSED')) });
    await h.controller.start();
    expect(h.states.at(-1)).toBe('offline');
    expect(h.controller.model).toMatchObject({ failures: 1, offlineSince: '2026-11-25T12:00:00.000Z', problem: 'connect ECONNREFUSED' });
    expect(h.calls.collect).toBe(1);
    expect(h.timers).toEqual([2500]); // full jitter: 5 s × 0.5
  });

  it('runs one attestation for concurrent requests', async () => {
    let release: () => void = () => undefined;
    let runs = 0;
    const h = harness({
      attest: () => {
        runs++;
        return new Promise((r) => (release = () => r({ state: AGENT, report: REPORT })));
      },
    });
    const started = h.controller.start();
    await new Promise((r) => setTimeout(r, 0));
    const again = h.controller.attestNow(true);
    release();
    await Promise.all([started, again]);
    expect(runs).toBe(1);
  });

  it('ignores an OS trigger right after an attempt, and honours one later', async () => {
    let clock = new Date('2026-11-25T12:00:00Z');
    const h = harness({ now: () => clock });
    await h.controller.start();
    expect(await h.controller.trigger('unlock-screen')).toBe(false);
    clock = new Date('2026-11-25T12:01:00Z');
    expect(await h.controller.trigger('resume')).toBe(true);
    expect(h.calls.attest).toBe(2);
  });

  it('attests on a watcher trigger 2 s after the last attempt, deferring (not dropping) one that comes sooner', async () => {
    let clock = new Date('2026-11-25T12:00:00Z');
    const fired: (() => void)[] = [];
    const h = harness({
      now: () => clock,
      setTimer: (fn, ms) => {
        h.timers.push(ms);
        fired.push(fn);
        return { cancel: () => undefined };
      },
    });
    await h.controller.start();
    expect(h.calls.attest).toBe(1);
    // 0.5 s after the start's attestation: deferred by 1.5 s, not refused like an OS trigger.
    clock = new Date('2026-11-25T12:00:00.500Z');
    expect(await h.controller.trigger('watcher')).toBe(false);
    expect(h.timers.at(-1)).toBe(1500);
    clock = new Date('2026-11-25T12:00:02Z');
    fired.at(-1)?.();
    await new Promise((r) => setTimeout(r, 0));
    expect(h.calls.attest).toBe(2);
    // 3 s later (an OS trigger would still wait out its 15 s): at once.
    clock = new Date('2026-11-25T12:00:05Z');
    expect(await h.controller.trigger('watcher')).toBe(true);
    expect(await h.controller.trigger('unlock-screen')).toBe(false);
    expect(h.calls.attest).toBe(3);
  });

  it('caps watcher-triggered attestations at 6 a minute', async () => {
    let clock = new Date('2026-11-25T12:00:00Z');
    const h = harness({ now: () => clock });
    await h.controller.start();
    const results: boolean[] = [];
    for (let i = 1; i <= 8; i++) {
      clock = new Date(Date.parse('2026-11-25T12:00:00Z') + i * 3000);
      results.push(await h.controller.trigger('watcher'));
    }
    expect(results).toEqual([true, true, true, true, true, true, false, false]);
    expect(h.calls.attest).toBe(7);
  });

  it('ignores a watcher trigger while unenrolled, or while an attestation runs (its report becomes the new baseline)', async () => {
    const unenrolled = harness({ loadState: async () => undefined });
    await unenrolled.controller.start();
    expect(await unenrolled.controller.trigger('watcher')).toBe(false);
    expect(unenrolled.calls.attest).toBe(0);
    let release: () => void = () => undefined;
    let runs = 0;
    const busy = harness({
      attest: () => {
        runs++;
        return new Promise((r) => (release = () => r({ state: AGENT, report: REPORT })));
      },
    });
    const started = busy.controller.start();
    await new Promise((r) => setTimeout(r, 0));
    expect(await busy.controller.trigger('watcher')).toBe(false);
    release();
    await started;
    expect(runs).toBe(1);
  });

  it('enrols, then attests; a refused code comes back as a message, not an exception', async () => {
    const h = harness({ loadState: async () => undefined });
    await h.controller.start();
    expect(await h.controller.enroll('https://s.example', 'CODE-1234')).toEqual({ ok: true, message: '' });
    expect(h.calls.enroll).toEqual([['https://s.example', 'CODE-1234']]);
    expect(h.calls.attest).toBe(1);
    const bad = harness({ enroll: async () => Promise.reject(new PostureError('SERVICE_REJECTED', 'enrolment code expired')) });
    expect(await bad.controller.enroll('https://s.example', 'CODE-1234')).toEqual({ ok: false, message: 'enrolment code expired' });
  });
});
