import { describe, expect, it } from 'vitest';
import type { Gap } from '../../../src/shared/check-ids.js';
import type { ScreenLockFacts } from '../../../src/shared/facts/screen-lock.js';
import type { ScreenLockRequirement } from '../../../src/shared/requirements.js';
import { evaluateScreenLock } from '../../../src/shared/rules/screen-lock.js';

const now = new Date('2025-06-02T09:00:00Z');
const run = (facts: ScreenLockFacts | undefined, requirement: ScreenLockRequirement | undefined, platform: 'linux' | 'darwin' | 'win32' = 'linux', gaps: Gap[] = []) =>
  evaluateScreenLock({ facts, gaps, requirement, now, platform });
const REQ: ScreenLockRequirement = { required: true, max_idle_seconds: 900 };

describe('evaluateScreenLock', () => {
  it('passes when the screen locks within the limit (idle + grace)', () => {
    const r = run({ desktop: true, environment: 'gnome', enabled: true, idleTimeoutSeconds: 600, lockDelaySeconds: 300 }, REQ);
    expect(r).toEqual({ status: 'pass', summary: 'The screen locks after 15 minutes of inactivity.', reasons: ['screen_lock.enabled'] });
  });

  it('fails when idle plus grace exceeds the limit', () => {
    const r = run({ desktop: true, enabled: true, idleTimeoutSeconds: 900, lockDelaySeconds: 30 }, REQ, 'darwin');
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['screen_lock.idle_too_long']);
    expect(r.summary).toBe('The screen locks after 930 seconds of inactivity; at most 15 minutes is allowed.');
    expect(r.remediation).toContain('System Settings > Lock Screen');
  });

  it('fails when the lock is off, or the screen never blanks', () => {
    expect(run({ desktop: true, enabled: false }, REQ, 'win32').reasons).toEqual(['screen_lock.disabled']);
    expect(run({ desktop: true, enabled: true, idleTimeoutSeconds: 0 }, REQ).reasons).toEqual(['screen_lock.never_on_idle']);
  });

  it('passes a headless machine: nothing to lock', () => {
    expect(run({ desktop: false }, REQ)).toEqual({ status: 'pass', summary: 'No graphical session: nothing to lock.', reasons: ['screen_lock.no_desktop'] });
  });

  it('is unknown when the desktop, the lock or the idle time is not known', () => {
    expect(run({}, REQ, 'linux', [{ fact: 'desktop', reason: 'probe-failed' }])).toMatchObject({ status: 'unknown', unknownReason: 'probe-failed' });
    expect(run({ desktop: true }, REQ, 'linux', [{ fact: 'enabled', reason: 'not-collected' }])).toMatchObject({ status: 'unknown', unknownReason: 'not-collected' });
    expect(run({ desktop: true, enabled: true }, REQ, 'darwin', [{ fact: 'idleTimeoutSeconds', reason: 'timeout' }])).toMatchObject({ status: 'unknown', unknownReason: 'timeout' });
  });

  it('passes an enabled lock without an idle limit in the requirement', () => {
    expect(run({ desktop: true, enabled: true }, { required: true }).status).toBe('pass');
  });

  it('passes when not required but states the truth', () => {
    expect(run({ desktop: true, enabled: false }, { required: false }).summary).toBe('The screen does not lock automatically (not required).');
  });
});
