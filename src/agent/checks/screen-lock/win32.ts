/**
 * Windows screen-lock collector: three `reg query` probes (locale-independent values;
 * reg's own messages are localised, so an absent key is recognised by exit code 1 with
 * empty stdout, not by its text).
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { ScreenLockFacts } from '../../../shared/facts/screen-lock.js';
import type { CollectContext, Observation } from '../types.js';
import { readRegQuery, regNumber } from '../windows-registry.js';
import { judgeWindowsScreenLock } from './windows-settings.js';

/** Collects screen-lock facts on Windows. */
export async function collectWin32ScreenLock(ctx: CollectContext): Promise<Observation<ScreenLockFacts>> {
  const [user, policy, machine] = await Promise.all([
    ctx.probes.exec('win32.reg-desktop', 'reg', ['query', 'HKCU\\Control Panel\\Desktop']),
    ctx.probes.exec('win32.reg-desktop-policy', 'reg', ['query', 'HKCU\\Software\\Policies\\Microsoft\\Windows\\Control Panel\\Desktop']),
    ctx.probes.exec('win32.reg-inactivity-timeout', 'reg', ['query', 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System', '/v', 'InactivityTimeoutSecs']),
  ]);
  const u = readRegQuery(user, 'enabled');
  const p = readRegQuery(policy, 'enabled', { absentOk: true });
  const m = readRegQuery(machine, 'enabled', { absentOk: true });
  const gaps = [u.gap, p.gap, m.gap].filter((g): g is Gap => !!g);
  const facts: ScreenLockFacts = { desktop: true, environment: 'windows' };
  const inactivity = m.keys ? regNumber(m.keys[0]?.values.InactivityTimeoutSecs) : undefined;

  if (u.keys && p.keys && m.keys) {
    const judged = judgeWindowsScreenLock(u.keys, p.keys, inactivity);
    facts.enabled = judged.enabled;
    if (judged.idleTimeoutSeconds !== undefined) facts.idleTimeoutSeconds = judged.idleTimeoutSeconds;
    else if (judged.enabled) gaps.push({ fact: 'idleTimeoutSeconds', reason: 'parse-error', probe: user.key, detail: 'the screen saver locks but ScreenSaveTimeOut is missing or not a number' });
  } else if (inactivity !== undefined && inactivity > 0) {
    // The machine inactivity limit alone proves a lock; the screen saver could only make it sooner.
    facts.enabled = true;
    facts.idleTimeoutSeconds = inactivity;
    return { facts, gaps: [] };
  }
  return { facts, gaps };
}
