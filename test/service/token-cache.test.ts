import { describe, expect, it } from 'vitest';
import { TokenCache } from '../../src/service/token-cache.js';

const SIG = 'S'.repeat(43);
const entry = { deviceId: 'dev_a', jkt: 'j', expMs: 2_000 };

describe('TokenCache', () => {
  it('returns a verified token until it expires', () => {
    const c = new TokenCache();
    c.set(`h.p.${SIG}`, entry, 0);
    expect(c.get(`h.p.${SIG}`, 1_000)).toMatchObject({ deviceId: 'dev_a' });
    expect(c.get(`h.p.${SIG}`, 2_000)).toBeUndefined();
  });

  it('never answers for a different token that ends with the same signature', () => {
    const c = new TokenCache();
    c.set(`h.p.${SIG}`, entry, 0);
    expect(c.get(`h.forged.${SIG}`, 1_000)).toBeUndefined();
    // …and the genuine entry is still there.
    expect(c.get(`h.p.${SIG}`, 1_000)).toBeDefined();
  });

  it('evicts the oldest entry when full', () => {
    const c = new TokenCache(2);
    c.set(`a.${'1'.repeat(43)}`, entry, 0);
    c.set(`b.${'2'.repeat(43)}`, entry, 0);
    c.set(`c.${'3'.repeat(43)}`, entry, 0);
    expect(c.get(`a.${'1'.repeat(43)}`, 0)).toBeUndefined();
    expect(c.get(`c.${'3'.repeat(43)}`, 0)).toBeDefined();
  });

  it('forgets superseded tokens once they expire, even if they are never presented again', () => {
    const c = new TokenCache();
    const sig = (i: number) => String(i).padStart(43, '0');
    // 1,000 devices each get a new token every "5 minutes"; tokens live 10 minutes.
    for (let round = 0; round < 10; round++) {
      const now = round * 300_000;
      for (let d = 0; d < 1000; d++) c.set(`t.${sig(round * 1000 + d)}`, { deviceId: `dev_${d}`, jkt: 'j', expMs: now + 600_000 }, now);
    }
    // Only the live tokens of the last two rounds (plus at most one sweep's worth) remain.
    expect(c.size).toBeLessThanOrEqual(2000 + 64);
    expect(c.get(`t.${sig(9000)}`, 9 * 300_000)).toBeDefined();
  });
});
