import { describe, expect, it } from 'vitest';
import { combineFindings, unknownFinding } from '../../../src/shared/rules/findings.js';

describe('unknownFinding', () => {
  it('uses the gap that names the fact', () => {
    const f = unknownFinding('x', 'enabled', [{ fact: 'other', reason: 'timeout' }, { fact: 'enabled', reason: 'permission' }], 'whether it is on');
    expect(f).toMatchObject({ status: 'unknown', unknownReason: 'permission', code: 'x.unknown_enabled' });
  });

  it('falls back to a whole-check gap, never to another fact’s reason', () => {
    expect(unknownFinding('x', 'enabled', [{ fact: 'a', reason: 'timeout' }, { fact: '*', reason: 'internal-error' }], 'it').unknownReason).toBe('internal-error');
    expect(unknownFinding('x', 'enabled', [{ fact: 'a', reason: 'timeout' }, { fact: 'b', reason: 'permission' }], 'it').unknownReason).toBe('not-collected');
  });

  it('never lets unknown pass: fail wins, else unknown', () => {
    const unknown = unknownFinding('x', 'f', [], 'it');
    expect(combineFindings([unknown, { status: 'pass', code: 'x.ok', message: 'ok' }], 'fine').status).toBe('unknown');
    expect(combineFindings([unknown, { status: 'fail', code: 'x.bad', message: 'bad' }], 'fine').status).toBe('fail');
  });
});
