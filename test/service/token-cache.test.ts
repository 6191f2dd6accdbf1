import { describe, expect, it } from 'vitest';
import { TokenCache } from '../../src/service/token-cache.js';

const SIG = 'S'.repeat(43);
const entry = { deviceId: 'dev_a', jkt: 'j', expMs: 2_000 };

describe('TokenCache', () => {
  it('returns a verified token until it expires', () => {
    const c = new TokenCache();
    c.set(`h.p.${SIG}`, entry);
    expect(c.get(`h.p.${SIG}`, 1_000)).toMatchObject({ deviceId: 'dev_a' });
    expect(c.get(`h.p.${SIG}`, 2_000)).toBeUndefined();
  });

  it('never answers for a different token that ends with the same signature', () => {
    const c = new TokenCache();
    c.set(`h.p.${SIG}`, entry);
    expect(c.get(`h.forged.${SIG}`, 1_000)).toBeUndefined();
    // …and the genuine entry is still there.
    expect(c.get(`h.p.${SIG}`, 1_000)).toBeDefined();
  });

  it('evicts the oldest entry when full', () => {
    const c = new TokenCache(2);
    c.set(`a.${'1'.repeat(43)}`, entry);
    c.set(`b.${'2'.repeat(43)}`, entry);
    c.set(`c.${'3'.repeat(43)}`, entry);
    expect(c.get(`a.${'1'.repeat(43)}`, 0)).toBeUndefined();
    expect(c.get(`c.${'3'.repeat(43)}`, 0)).toBeDefined();
  });
});
