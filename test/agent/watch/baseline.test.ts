import { describe, expect, it } from 'vitest';
import { createReplayProbeRunner } from '../../../src/agent/probes/replay-runner.js';
import type { ProbeRunner } from '../../../src/agent/probes/types.js';
import { attestWithWatchBaseline, CHEAP_READING_COMMANDS, createCheapProbeRunner, DEFAULT_WATCH_INTERVAL_MS, watchNeedsOwnBaseline } from '../../../src/agent/watch/index.js';
import type { PostureReport } from '../../../src/shared/check-result.js';
import { laptop, readWatched } from './bundles.js';
import { readCheap, readFull, recording, winLaptop } from './windows-bundles.js';

describe('cheap probe runner', () => {
  it('on Windows runs only tasklist, manage-bde, netsh and reg; refuses PowerShell and wmic without starting them', async () => {
    expect(CHEAP_READING_COMMANDS.win32).toEqual(['tasklist', 'manage-bde', 'netsh', 'reg']);
    const rec = recording(createReplayProbeRunner(winLaptop));
    const cheap = createCheapProbeRunner(rec.runner, 'win32');
    const ps = await cheap.exec('win32.get-mpcomputerstatus', 'powershell', ['-Command', 'Get-MpComputerStatus']);
    const wmic = await cheap.exec('win32.wmic-antivirusproduct', 'wmic', [], { instance: 'x' });
    expect(ps).toMatchObject({ key: 'win32.get-mpcomputerstatus', error: 'not-collected', exitCode: null });
    expect(wmic.key).toBe('win32.wmic-antivirusproduct#x');
    expect((await cheap.exec('win32.tasklist', 'tasklist', ['/fo', 'csv', '/nh'])).exitCode).toBe(0);
    expect((await cheap.listDir('win32.install-dir', 'C:\\Program Files', { instance: 'C:\\Program Files' })).error).toBeUndefined();
    expect(rec.execs.map((e) => e.command)).toEqual(['tasklist']);
    expect(cheap.refused()).toEqual(['win32.get-mpcomputerstatus', 'win32.wmic-antivirusproduct#x']);
  });

  it('on Linux and macOS refuses nothing: their full collectors are cheap already', async () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const asked: string[] = [];
      const inner: ProbeRunner = {
        exec: async (probe, command) => (asked.push(command), { key: probe, probe, stdout: Buffer.from('x'), stderr: Buffer.alloc(0), exitCode: 0, durationMs: 0 }),
        readFile: () => Promise.reject(new Error('unused')),
        listDir: () => Promise.reject(new Error('unused')),
      };
      const cheap = createCheapProbeRunner(inner, platform);
      await cheap.exec('p', 'mdatp', []);
      await cheap.exec('q', 'powershell', []);
      expect(asked).toEqual(['mdatp', 'powershell']);
      expect(cheap.refused()).toEqual([]);
      expect(watchNeedsOwnBaseline(platform)).toBe(false);
    }
    expect(watchNeedsOwnBaseline('win32')).toBe(true);
  });

  it('sets Windows to a 5 s default interval, like macOS', () => {
    expect(DEFAULT_WATCH_INTERVAL_MS.win32).toBe(5_000);
  });
});

describe('the watcher baseline of an attestation', () => {
  const outcomeOf = (report: PostureReport) => ({ report, response: 'affirming' });

  it('on Windows is a cheap reading taken BEFORE the attestation, not the attestation report', async () => {
    const order: string[] = [];
    const cheap = await readCheap(winLaptop);
    const full = await readFull(winLaptop);
    const a = await attestWithWatchBaseline({
      platform: 'win32',
      read: async () => (order.push('read'), cheap),
      attest: async () => (order.push('attest'), outcomeOf(full)),
    });
    expect(order).toEqual(['read', 'attest']);
    expect(a.baseline).toBe(cheap);
    expect(a.outcome.report).toBe(full);
    expect(a.baseline?.checks.flatMap((c) => c.probes)).not.toContain('win32.get-mpcomputerstatus');
  });

  it('on Linux and macOS is the attestation report, with no extra reading', async () => {
    const full = await readWatched(laptop);
    for (const platform of ['linux', 'darwin'] as const) {
      let reads = 0;
      const a = await attestWithWatchBaseline({ platform, read: async () => (reads++, full), attest: async () => outcomeOf(full) });
      expect(a.baseline).toBe(full);
      expect(reads).toBe(0);
    }
  });

  it('a failing cheap reading still attests, without a baseline (the previous one stays) and with the error', async () => {
    const full = await readFull(winLaptop);
    const a = await attestWithWatchBaseline({ platform: 'win32', read: () => Promise.reject(new Error('tasklist hung')), attest: async () => outcomeOf(full) });
    expect(a.baseline).toBeUndefined();
    expect((a.baselineError as Error).message).toBe('tasklist hung');
    expect(a.outcome.report).toBe(full);
  });

  it('a failing attestation rejects as before', async () => {
    const cheap = await readCheap(winLaptop);
    await expect(attestWithWatchBaseline({ platform: 'win32', read: async () => cheap, attest: () => Promise.reject(new Error('service down')) })).rejects.toThrow('service down');
  });
});
