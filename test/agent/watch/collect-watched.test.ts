import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { collectWatched, compareWatched, WATCHED_CHECK_DEFINITIONS, WATCHED_CHECKS } from '../../../src/agent/watch/index.js';
import { PostureReportSchema } from '../../../src/shared/check-result.js';
import { FACTS_SCHEMAS } from '../../../src/shared/facts/index.js';

describe('collectWatched', () => {
  it('runs the definitions of exactly the watched checks', () => {
    expect(WATCHED_CHECK_DEFINITIONS.map((d) => d.id)).toEqual([...WATCHED_CHECKS]);
  });

  it('reads edr, disk_encryption and firewall LIVE on this machine: schema-valid, fast, and stable between readings', async () => {
    // Here (Debian 12 container, root, no EDR, no firewall tools, / on an unencrypted
    // /dev/vda): edr fail (none installed), disk_encryption fail, firewall fail (no tool);
    // about 8 ms a reading. Whatever the machine, no reading may crash or be invalid.
    const t0 = performance.now();
    const first = await collectWatched({ platform: 'linux' });
    const ms = performance.now() - t0;
    expect(Value.Check(PostureReportSchema, first)).toBe(true);
    expect([...first.checks.map((c) => c.id)].sort()).toEqual([...WATCHED_CHECKS].sort());
    for (const c of first.checks) {
      expect(c.reasons).not.toContain(`${c.id}.internal_error`);
      expect(c.unknownReason).not.toBe('internal-error');
      expect(Value.Check(FACTS_SCHEMAS[c.id], c.facts)).toBe(true);
    }
    // Generous bound, not a benchmark: a watcher tick must be cheap.
    expect(ms).toBeLessThan(2_000);
    // Nothing changes between two readings of an idle machine: no spurious re-attestation.
    const second = await collectWatched({ platform: 'linux' });
    expect(compareWatched(first, second).transitions).toEqual([]);
  });
});
