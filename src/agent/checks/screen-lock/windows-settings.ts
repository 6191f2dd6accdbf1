/**
 * Pure judgement of the Windows screen lock from registry values. Two things lock an idle
 * session: a screen saver with "On resume, display logon screen" (ScreenSaverIsSecure),
 * and the machine inactivity limit (InactivityTimeoutSecs). Group Policy values under
 * HKCU\Software\Policies override the user's own. Sleep and "dynamic lock" are not read.
 */
import { regNumber, type RegKey, type RegValue } from '../windows-registry.js';

export interface WindowsScreenLock {
  enabled: boolean;
  /** Seconds until the first of the two locks starts; undefined when a needed value is unreadable. */
  idleTimeoutSeconds?: number;
}

function value(keys: readonly RegKey[] | undefined, name: string): RegValue | undefined {
  for (const k of keys ?? []) {
    if (Object.hasOwn(k.values, name)) return k.values[name];
  }
  return undefined;
}

/**
 * `user`: HKCU\Control Panel\Desktop; `policy`: HKCU\Software\Policies\Microsoft\Windows\
 * Control Panel\Desktop (empty when the key does not exist); `machineInactivitySeconds`:
 * InactivityTimeoutSecs when set. A screen saver runs only with SCRNSAVE.EXE set, so an
 * absent SCRNSAVE.EXE means no screen-saver lock, not an unknown.
 */
export function judgeWindowsScreenLock(user: readonly RegKey[], policy: readonly RegKey[], machineInactivitySeconds: number | undefined): WindowsScreenLock {
  const pick = (name: string): RegValue | undefined => value(policy, name) ?? value(user, name);
  const active = regNumber(pick('ScreenSaveActive'));
  const secure = regNumber(pick('ScreenSaverIsSecure'));
  const exe = pick('SCRNSAVE.EXE')?.data.trim() ?? '';
  const timeout = regNumber(pick('ScreenSaveTimeOut'));
  const saverLocks = active === 1 && secure === 1 && exe !== '';
  const inactivity = machineInactivitySeconds !== undefined && machineInactivitySeconds > 0 ? machineInactivitySeconds : undefined;

  const candidates: number[] = [];
  if (inactivity !== undefined) candidates.push(inactivity);
  if (saverLocks && timeout !== undefined && timeout > 0) candidates.push(timeout);
  const out: WindowsScreenLock = { enabled: saverLocks || inactivity !== undefined };
  if (candidates.length > 0) out.idleTimeoutSeconds = Math.min(...candidates);
  else if (out.enabled && saverLocks && timeout === 0) out.idleTimeoutSeconds = 0;
  return out;
}
