import { describe, expect, it } from 'vitest';
import { compareWatched, describeTransitions, keyFacts, shouldReattestOn, watchSignature, WATCHED_CHECKS } from '../../../src/agent/watch/index.js';
import type { CheckId, CheckStatus } from '../../../src/shared/check-ids.js';
import type { CheckResult, PostureReport } from '../../../src/shared/check-result.js';
import { edrStopped, fileVaultOff, firewallOff, laptop, readWatched } from './bundles.js';

const AT = '2026-11-25T12:00:00.000Z';

function check(id: CheckId, status: CheckStatus, facts: Record<string, unknown>): CheckResult {
  return { id, status, facts, summary: 's', reasons: [], gaps: [], probes: [], collectedAt: AT, durationMs: 1 };
}

function report(...checks: CheckResult[]): PostureReport {
  return { platform: 'darwin', collectedAt: AT, durationMs: 1, requirementsSource: 'service', mode: 'live', overall: 'pass', checks };
}

const falcon = { id: 'crowdstrike_falcon', installed: true, running: true, healthy: true, realTimeProtection: true, version: '7.14', lastCloudContact: AT };
const edrPass = check('edr', 'pass', { products: [falcon] });
const diskPass = check('disk_encryption', 'pass', { volumes: [{ mount: '/', system: true, encrypted: true, state: 'on', method: 'FileVault' }], systemVolumeEncrypted: true });
const fwFail = check('firewall', 'fail', { profiles: [{ name: 'socketfilterfw', enabled: false }], enabled: false });
const BASE = report(edrPass, diskPass, fwFail, check('mdm', 'pass', { enrolled: true }));

/** BASE with some checks replaced. */
const fresh = (...replace: CheckResult[]): PostureReport => report(...BASE.checks.map((c) => replace.find((r) => r.id === c.id) ?? c));

interface Row {
  name: string;
  reading: PostureReport;
  regressions?: CheckId[];
  improvements?: CheckId[];
  changed?: CheckId[];
}

const ROWS: Row[] = [
  { name: 'the same reading changes nothing', reading: fresh() },
  { name: 'the EDR daemon stopping (pass → fail) is a regression', reading: fresh(check('edr', 'fail', { products: [{ ...falcon, running: false }] })), regressions: ['edr'] },
  { name: 'pass → unknown is a regression: unknown is never a pass', reading: fresh(check('disk_encryption', 'unknown', { volumes: [] })), regressions: ['disk_encryption'] },
  { name: 'pass → unsupported is a regression', reading: fresh(check('edr', 'unsupported', {})), regressions: ['edr'] },
  { name: 'a watched check missing from the reading reads as unknown, a regression', reading: report(diskPass, fwFail), regressions: ['edr'] },
  { name: 'fail → pass is an improvement (access should come back fast)', reading: fresh(check('firewall', 'pass', { profiles: [{ name: 'socketfilterfw', enabled: true }], enabled: true })), improvements: ['firewall'] },
  { name: 'fail → unknown with the same key facts is neither: the local verdict denies either way', reading: fresh(check('firewall', 'unknown', { profiles: [{ name: 'socketfilterfw', enabled: false }], enabled: false })) },
  { name: 'fail → unknown that loses a key fact is a change (a laxer segment may judge it differently)', reading: fresh(check('firewall', 'unknown', { profiles: [] })), changed: ['firewall'] },
  {
    name: 'another EDR product running with the status still pass is a change',
    reading: fresh(check('edr', 'pass', { products: [{ id: 'sentinelone', installed: true, running: true, healthy: true, realTimeProtection: true }] })),
    changed: ['edr'],
  },
  { name: 'real-time protection off with the status still pass is a change', reading: fresh(check('edr', 'pass', { products: [{ ...falcon, realTimeProtection: false }] })), changed: ['edr'] },
  { name: 'volatile facts (version, last cloud contact) never trigger', reading: fresh(check('edr', 'pass', { products: [{ ...falcon, version: '7.15', lastCloudContact: '2026-11-25T12:00:03.000Z' }] })) },
  {
    name: 'an encrypted volume set that changes is a change; the percentage alone is not',
    reading: fresh(check('disk_encryption', 'pass', { volumes: [{ mount: '/', system: true, encrypted: true, state: 'on', percentEncrypted: 100 }, { mount: '/Volumes/Data', system: false, encrypted: false }], systemVolumeEncrypted: true })),
    changed: ['disk_encryption'],
  },
  { name: 'checks that are not watched (mdm) are ignored', reading: fresh(check('mdm', 'fail', { enrolled: false })) },
  {
    name: 'several checks at once are all named',
    reading: fresh(check('edr', 'fail', { products: [] }), check('disk_encryption', 'fail', { volumes: [{ mount: '/', system: true, encrypted: false }], systemVolumeEncrypted: false }), check('firewall', 'pass', { profiles: [{ name: 'socketfilterfw', enabled: true }], enabled: true })),
    regressions: ['edr', 'disk_encryption'],
    improvements: ['firewall'],
  },
];

describe('compareWatched', () => {
  it.each(ROWS)('$name', ({ reading, regressions = [], improvements = [], changed = [] }) => {
    const c = compareWatched(BASE, reading);
    expect({ regressions: c.regressions, improvements: c.improvements, changed: c.changed }).toEqual({ regressions, improvements, changed });
    expect(shouldReattestOn(c)).toBe(regressions.length + improvements.length + changed.length > 0);
  });

  it('gives equal readings equal signatures, and the baseline its own', () => {
    const stopped = fresh(check('edr', 'fail', { products: [{ ...falcon, running: false }] }));
    expect(compareWatched(BASE, stopped).signature).toBe(compareWatched(BASE, structuredClone(stopped)).signature);
    expect(compareWatched(BASE, stopped).signature).not.toBe(watchSignature(BASE));
    expect(compareWatched(BASE, fresh()).signature).toBe(watchSignature(BASE));
  });

  it('only compares the checks the baseline has (an attestation that ran fewer checks watches fewer)', () => {
    const c = compareWatched(report(edrPass), report(check('edr', 'pass', { products: [falcon] })));
    expect(c.transitions).toEqual([]);
    expect(c.signature).toMatch(/^edr=pass\{/);
  });

  it('reads facts defensively: an unknown check with no facts has stable, empty key facts', () => {
    expect(keyFacts(check('edr', 'unknown', {}))).toBe('');
    expect(keyFacts(check('firewall', 'unknown', { profiles: 'garbage' }))).toBe('enabled: ?on;');
  });

  it('names each transition in one log line', () => {
    const c = compareWatched(BASE, fresh(check('edr', 'fail', { products: [{ ...falcon, running: false }] }), check('firewall', 'pass', { profiles: [{ name: 'socketfilterfw', enabled: true }], enabled: true })));
    expect(describeTransitions(c.transitions)).toBe('edr regressed: pass → fail, firewall improved: fail → pass');
    const other = compareWatched(BASE, fresh(check('edr', 'pass', { products: [{ ...falcon, realTimeProtection: false }] })));
    expect(describeTransitions(other.transitions)).toBe('edr changed: pass → pass (crowdstrike_falcon: installed running healthy rtp → crowdstrike_falcon: installed running healthy !rtp)');
  });

  it('watches edr, disk_encryption and firewall', () => {
    expect([...WATCHED_CHECKS]).toEqual(['edr', 'disk_encryption', 'firewall']);
  });
});

describe('compareWatched on replayed macOS bundles (real fixtures)', () => {
  it('reads the laptop as all pass, and each swapped record as that check regressing', async () => {
    const base = await readWatched(laptop);
    expect(base.checks.map((c) => [c.id, c.status])).toEqual([['edr', 'pass'], ['disk_encryption', 'pass'], ['firewall', 'pass']]);
    expect(compareWatched(base, await readWatched(laptop)).transitions).toEqual([]);
    expect(compareWatched(base, await readWatched(edrStopped))).toMatchObject({ regressions: ['edr'], improvements: [], changed: [] });
    expect(compareWatched(base, await readWatched(fileVaultOff))).toMatchObject({ regressions: ['disk_encryption'], improvements: [], changed: [] });
    expect(compareWatched(base, await readWatched(firewallOff))).toMatchObject({ regressions: ['firewall'], improvements: [], changed: [] });
    // And back: FileVault turned on again is an improvement.
    expect(compareWatched(await readWatched(fileVaultOff), base)).toMatchObject({ regressions: [], improvements: ['disk_encryption'] });
  });
});
