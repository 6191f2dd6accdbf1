import { describe, expect, it } from 'vitest';
import { compileCel, type CelContext } from '../../../src/service/policy/index.js';

const CTX: CelContext = {
  facts: { os_patch: { os: { version: '15.1' }, pendingSecurityUpdates: 2 }, edr: { products: [{ id: 'sentinelone', running: true }] } },
  device: { platform: 'darwin', user: 'ada', groups: ['ds'] },
  now: new Date('2026-06-01T12:00:00Z'),
};

function run(expr: string): string {
  const c = compileCel(expr);
  if (!c.ok) throw new Error(c.message);
  return c.program.evaluate(CTX).status;
}

describe('compileCel', () => {
  it.each([
    ['facts.os_patch.pendingSecurityUpdates <= 2', 'pass'],
    ['facts.os_patch.pendingSecurityUpdates == 0', 'fail'],
    ["facts.edr.products.exists(p, p.id == 'sentinelone' && p.running)", 'pass'],
    ["device.platform == 'darwin' && device.user == 'ada' && 'ds' in device.groups", 'pass'],
    ["now < timestamp('2027-01-01T00:00:00Z')", 'pass'],
    ["facts.os_patch.os.version.matches('^15\\\\.')", 'pass'],
    ['facts.mfa.amr.size() > 0', 'unknown'],
    ['facts.os_patch.constructor == null', 'unknown'],
    ['dyn(facts.os_patch.pendingSecurityUpdates)', 'unknown'],
    ['facts.os_patch.pendingSecurityUpdates / 0 == 1', 'unknown'],
  ])('%s → %s', (expr, status) => {
    expect(run(expr)).toBe(status);
  });

  it.each([
    ['1 +', /does not parse/],
    ['"text"', /not a boolean/],
    ['user.admin', /type-check/],
    ["facts.x.matches('(a|aa)*$')", /repeats a group/],
    ['facts.x.matches(facts.y)', /literal pattern/],
    ["facts.x.matches('(\\\\w)\\\\1')", /back-reference/],
    ['[1,2].all(a, [1,2].all(b, [1,2].all(c, a + b + c > 0)))', /nest more than 2/],
    ["cel.bind(a, 'x', cel.bind(b, a + a, cel.bind(c, b + b, cel.bind(d, c + c, cel.bind(e, d + d, size(e) > 0)))))", /cel.bind/],
    [`${'a && '.repeat(300)}true`, /parse|costly/],
  ])('rejects %s', (expr, message) => {
    const c = compileCel(expr);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.message).toMatch(message);
  });
});
