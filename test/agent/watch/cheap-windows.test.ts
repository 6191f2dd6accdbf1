/**
 * The cheap Windows watcher reading on replayed Windows bundles (see windows-bundles.ts
 * for which records are real captures and which are synthetic).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compareWatched, createPostureWatcher, createRunWatch, type WatchChange } from '../../../src/agent/watch/index.js';
import { PostureReportSchema, type PostureReport } from '../../../src/shared/check-result.js';
import { FACTS_SCHEMAS } from '../../../src/shared/facts/index.js';
import { FIXTURES_DIR } from '../../helpers/fixtures.js';
import { withStdout } from './bundles.js';
import { bitLockerOff, defenderGone, firewallPublicOff, readCheap, readCheapRun, readFull, winDeUnencrypted, winGerman, winGermanDefenderRtpOff, winGermanFirewallPublicOff, winLaptop } from './windows-bundles.js';

/** Every Windows probe of the watched checks that starts PowerShell or wmic. */
const EXPENSIVE = ['win32.securitycenter2-antivirusproduct', 'win32.wmic-antivirusproduct', 'win32.get-mpcomputerstatus', 'win32.bitlocker-cim', 'win32.get-netfirewallprofile'];

const statuses = (r: { checks: { id: string; status: string }[] }): Record<string, string> => Object.fromEntries(r.checks.map((c) => [c.id, c.status]));

afterEach(() => {
  vi.useRealTimers();
});

describe('cheap Windows reading: what runs', () => {
  it.each([
    ['windows-laptop', winLaptop],
    ['windows-de-unencrypted', winDeUnencrypted],
  ])('%s: starts only tasklist, manage-bde, reg and netsh, and records no PowerShell or wmic probe in the report', async (_name, bundle) => {
    const { report, execs } = await readCheapRun(bundle);
    // These bundles hold no reg records: the registry answers nothing, so netsh still runs.
    expect([...new Set(execs.map((e) => e.command))].sort()).toEqual(['manage-bde', 'netsh', 'reg', 'tasklist']);
    const probes = report.checks.flatMap((c) => c.probes);
    expect(probes).toEqual(expect.arrayContaining(['win32.tasklist', 'win32.manage-bde-status', 'win32.netsh-advfirewall']));
    for (const p of EXPENSIVE) expect(probes).not.toContain(p);
    // What the full reading (an attestation) asks for, by contrast.
    const full = (await readFull(bundle)).checks.flatMap((c) => c.probes);
    expect(full).toEqual(expect.arrayContaining(['win32.securitycenter2-antivirusproduct', 'win32.get-mpcomputerstatus', 'win32.bitlocker-cim', 'win32.get-netfirewallprofile']));
    // A skipped probe shows only as a not-collected gap that says why.
    for (const g of report.checks.flatMap((c) => c.gaps).filter((g) => EXPENSIVE.includes(g.probe ?? ''))) {
      expect(g.reason).toBe('not-collected');
      expect(g.detail).toMatch(/not run in the watcher's cheap reading \((powershell|wmic) costs too much CPU/);
    }
  });

  it('is schema-valid, facts included', async () => {
    const report = await readCheap(winLaptop);
    expect(Value.Check(PostureReportSchema, report)).toBe(true);
    for (const c of report.checks) expect(Value.Check(FACTS_SCHEMAS[c.id], c.facts)).toBe(true);
  });
});

describe('cheap Windows reading: what it sees', () => {
  it.each([
    ['windows-laptop', winLaptop, { disk_encryption: 'pass', firewall: 'pass' }],
    ['windows-de-unencrypted (real German manage-bde: fully decrypted)', winDeUnencrypted, { disk_encryption: 'fail', firewall: 'pass' }],
  ])('%s: disk encryption and firewall read as in the full reading', async (_name, bundle, expected) => {
    const [cheap, full] = await Promise.all([readCheap(bundle), readFull(bundle)]);
    const { edr: _c, ...cheapRest } = statuses(cheap);
    const { edr: _f, ...fullRest } = statuses(full);
    expect(cheapRest).toEqual(expected);
    expect(fullRest).toEqual(expected);
    const disk = (r: typeof cheap) => r.checks.find((c) => c.id === 'disk_encryption')?.facts;
    expect(disk(cheap)).toEqual(disk(full));
  });

  it('sees Defender running from tasklist, leaves its health and real-time protection out, and so reads edr unknown (never pass)', async () => {
    const [cheap, full] = await Promise.all([readCheap(winLaptop), readFull(winLaptop)]);
    expect(statuses(full).edr).toBe('pass');
    const edr = cheap.checks.find((c) => c.id === 'edr');
    expect(edr?.facts).toEqual({ products: [{ id: 'microsoft_defender', installed: true, running: true, source: ['win32.tasklist'] }] });
    expect(edr).toMatchObject({ status: 'unknown', unknownReason: 'not-collected' });
  });

  it('reads a localised netsh (German, synthetic) as unknown, never as on or off, and the same every time', async () => {
    const german = readFileSync(join(FIXTURES_DIR, 'firewall/win32/netsh-advfirewall-state__de-DE-localised.txt'), 'utf8');
    const b = withStdout(winLaptop, 'win32.netsh-advfirewall', german);
    const [a, c] = await Promise.all([readCheap(b), readCheap(b)]);
    expect(statuses(a).firewall).toBe('unknown');
    expect(compareWatched(a, c).transitions).toEqual([]);
  });
});

describe('cheap Windows reading with the registry (synthetic German Windows: netsh unreadable)', () => {
  const firewallOf = (r: PostureReport) => r.checks.find((c) => c.id === 'firewall')?.facts;
  const edrOf = (r: PostureReport) => r.checks.find((c) => c.id === 'edr');

  it('starts tasklist, manage-bde and reg only: the registry answers, so netsh is not needed', async () => {
    const { execs } = await readCheapRun(winGerman);
    expect([...new Set(execs.map((e) => e.command))].sort()).toEqual(['manage-bde', 'reg', 'tasklist']);
    expect(execs.filter((e) => e.command === 'reg').map((e) => e.key).sort()).toEqual(['win32.reg-defender-rtp', 'win32.reg-defender-rtp-policy', 'win32.reg-firewall', 'win32.reg-firewall-policy']);
  });

  it('reads the firewall from the registry (pass) where netsh alone was a stable unknown', async () => {
    const r = await readCheap(winGerman);
    expect(statuses(r).firewall).toBe('pass');
    expect(firewallOf(r)).toEqual({ enabled: true, profiles: [{ name: 'Domain', enabled: true }, { name: 'Private', enabled: true }, { name: 'Public', enabled: true }] });
    expect(compareWatched(r, await readCheap(winGerman)).transitions).toEqual([]);
  });

  it('a firewall profile switched off in the registry is a regression', async () => {
    const c = compareWatched(await readCheap(winGerman), await readCheap(winGermanFirewallPublicOff));
    expect(c).toMatchObject({ regressions: ['firewall'], improvements: [], changed: [] });
    expect(c.transitions[0]).toMatchObject({ from: 'pass', to: 'fail', toFacts: 'enabled: on;Domain: on ?blocks,Private: on ?blocks,Public: !on ?blocks' });
  });

  it('Defender RTP absent from the registry stays unknown; switched off (DisableRealtimeMonitoring 1) fires an edr change', async () => {
    const base = await readCheap(winGerman);
    expect(edrOf(base)).toMatchObject({ status: 'unknown', facts: { products: [{ id: 'microsoft_defender', installed: true, running: true, source: ['win32.tasklist'] }] } });
    const off = await readCheap(winGermanDefenderRtpOff);
    expect(edrOf(off)).toMatchObject({ status: 'fail', reasons: ['edr.real_time_protection_off', 'edr.unknown_health'] });
    const c = compareWatched(base, off);
    expect(c).toMatchObject({ regressions: [], improvements: [], changed: ['edr'] });
    expect(c.transitions[0]).toMatchObject({ from: 'unknown', to: 'fail', fromFacts: 'microsoft_defender: installed running ?healthy ?rtp', toFacts: 'microsoft_defender: installed running ?healthy !rtp' });
  });

  it('the full reading (the attestation this triggers) ignores the registry and reads Get-MpComputerStatus', async () => {
    const full = await readFull(winGermanDefenderRtpOff);
    const edr = edrOf(full);
    expect(edr?.probes).toContain('win32.get-mpcomputerstatus');
    expect(edr?.probes.filter((p) => p.startsWith('win32.reg-'))).toEqual([]);
    expect(edr?.status).toBe('pass');
  });

  it('the watcher reports nothing for unchanged registry ticks, then the Defender RTP switch once', async () => {
    vi.useFakeTimers();
    const [ok, off] = await Promise.all([readCheap(winGerman), readCheap(winGermanDefenderRtpOff)]);
    let current = ok;
    const changes: WatchChange[] = [];
    const w = createPostureWatcher({ collect: async () => current, intervalMs: 5_000, onChange: (c) => changes.push(c) });
    w.setBaseline(ok);
    w.start();
    await vi.advanceTimersByTimeAsync(50_000);
    expect(changes).toEqual([]);
    current = off;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(changes.map((c) => c.changed)).toEqual([['edr']]);
    w.stop();
  });
});

describe('cheap Windows readings compared with a cheap baseline', () => {
  it('an unchanged machine never fires', async () => {
    const base = await readCheap(winLaptop);
    expect(compareWatched(base, await readCheap(winLaptop)).transitions).toEqual([]);
    expect(compareWatched(await readCheap(winDeUnencrypted), await readCheap(winDeUnencrypted)).transitions).toEqual([]);
  });

  it('Defender gone from tasklist (synthetic edit) fires an edr change', async () => {
    const c = compareWatched(await readCheap(winLaptop), await readCheap(defenderGone));
    expect(c).toMatchObject({ regressions: [], improvements: [], changed: ['edr'] });
    expect(c.transitions[0]).toMatchObject({ from: 'unknown', to: 'fail', fromFacts: 'microsoft_defender: installed running ?healthy ?rtp', toFacts: '' });
  });

  it('BitLocker off (the real German capture) vs on fires, both ways', async () => {
    const on = await readCheap(winLaptop);
    const off = await readCheap(bitLockerOff);
    expect(compareWatched(on, off)).toMatchObject({ regressions: ['disk_encryption'], improvements: [], changed: [] });
    expect(compareWatched(off, on)).toMatchObject({ regressions: [], improvements: ['disk_encryption'], changed: [] });
  });

  it('a firewall profile switched off (synthetic netsh edit) fires', async () => {
    expect(compareWatched(await readCheap(winLaptop), await readCheap(firewallPublicOff))).toMatchObject({ regressions: ['firewall'], changed: [] });
  });

  it('why the baseline must be cheap: against the full report, an unchanged machine would "regress" every tick', async () => {
    const c = compareWatched(await readFull(winLaptop), await readCheap(winLaptop));
    expect(c.regressions).toEqual(['edr']);
  });

  it('the watcher reports nothing for 20 unchanged cheap ticks, then Defender going away once', async () => {
    vi.useFakeTimers();
    const [ok, gone] = await Promise.all([readCheap(winLaptop), readCheap(defenderGone)]);
    let current = ok;
    const changes: WatchChange[] = [];
    const w = createPostureWatcher({ collect: async () => current, intervalMs: 5_000, onChange: (c) => changes.push(c) });
    w.setBaseline(ok);
    w.start();
    await vi.advanceTimersByTimeAsync(100_000);
    expect(changes).toEqual([]);
    current = gone;
    await vi.advanceTimersByTimeAsync(15_000);
    expect(changes.map((c) => c.changed)).toEqual([['edr']]);
    w.stop();
  });

  it('the daemon side wakes within one 5 s interval and logs the change', async () => {
    vi.useFakeTimers();
    const [ok, off] = await Promise.all([readCheap(winLaptop), readCheap(bitLockerOff)]);
    let current = ok;
    const lines: string[] = [];
    const rw = createRunWatch({ collect: async () => current, intervalMs: 5_000, log: (m) => lines.push(m) });
    rw.resume(ok);
    const woke = rw.sleep(300_000);
    await vi.advanceTimersByTimeAsync(12_000);
    current = off;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await woke).toBe('watch');
    expect(lines).toEqual(['disk_encryption regressed: pass → fail; re-attesting now']);
    rw.stop();
  });
});
