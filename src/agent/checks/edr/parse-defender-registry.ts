/**
 * Microsoft Defender's real-time protection switch in the registry: the fallback when
 * `Get-MpComputerStatus` gave nothing (PowerShell blocked or failing, or not run at all in
 * the watcher's cheap reading).
 *
 * `DisableRealtimeMonitoring` (REG_DWORD) lives in the local settings key and in the Group
 * Policy key; a configured policy value wins. The semantics are deliberately one-sided:
 * - 1 (effective) → real-time protection is reported OFF;
 * - 0 or absent → nothing is reported: absence is Windows' default, and it is also what a
 *   PC whose RTP was switched off by other means, or whose settings tamper protection
 *   guards, can show. The registry never proves RTP ON.
 * In the watcher this is a trigger signal: switching RTP off in Windows Security or with
 * `Set-MpPreference` sets the value, which changes the cheap reading, which starts a full
 * attestation, which reads `Get-MpComputerStatus` for the real state.
 */
import { parseRegQuery, regDwordSwitch, type RegKey } from '../windows-registry.js';
import { unrecognised, type Unrecognised } from '../firewall/parse-util.js';

/** Defender's local real-time protection settings. */
export const DEFENDER_RTP_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Real-Time Protection';
/** The same settings set by Group Policy (commonly absent). */
export const DEFENDER_RTP_POLICY_KEY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Defender\\Real-Time Protection';

/** `disabled` is the value of DisableRealtimeMonitoring (1 true, 0 false), absent when the key does not set it. */
export type ParsedDisableRealtimeMonitoring = { ok: true; disabled?: boolean } | Unrecognised;

/**
 * `DisableRealtimeMonitoring` in the keys of a `reg query <key>` (only the first key, the
 * one queried, counts). A value that is not a REG_DWORD 0 or 1 is unrecognised, never guessed.
 */
export function disableRealtimeMonitoringOf(keys: readonly RegKey[]): ParsedDisableRealtimeMonitoring {
  const raw = keys[0]?.values.DisableRealtimeMonitoring;
  if (!raw) return { ok: true };
  const disabled = regDwordSwitch(raw);
  if (disabled === undefined) return unrecognised(`DisableRealtimeMonitoring is ${raw.type} ${raw.data.slice(0, 40)}, not a REG_DWORD 0 or 1`);
  return { ok: true, disabled };
}

/**
 * Parses `reg query "<DEFENDER_RTP_KEY or DEFENDER_RTP_POLICY_KEY>"`:
 * ```
 * HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Defender\Real-Time Protection
 *     DisableRealtimeMonitoring    REG_DWORD    0x1
 * ```
 * Never throws.
 */
export function parseDisableRealtimeMonitoring(text: string): ParsedDisableRealtimeMonitoring {
  const reg = parseRegQuery(text);
  return reg.ok ? disableRealtimeMonitoringOf(reg.keys) : reg;
}

/** What one key gave: its DisableRealtimeMonitoring, or `unreadable` (its probe failed or its output was not recognised). */
export type RtpKeyReading = { disabled?: boolean; unreadable?: false } | { unreadable: true };

/** What the two keys say together. */
export type DefenderRtpRegistry =
  /** DisableRealtimeMonitoring is effectively 1: RTP is off; `from` is the key that says so. */
  | { verdict: 'off'; from: 'local' | 'policy' }
  /** Neither key switches RTP off (policy may force it on): the registry cannot confirm RTP on. */
  | { verdict: 'unconfirmed'; from: 'local' | 'policy' }
  /** The key that would decide could not be read. */
  | { verdict: 'unreadable'; from: 'local' | 'policy' };

/**
 * The effective switch: the policy value when configured, else the local one. A policy 1
 * decides alone; otherwise an unreadable policy key leaves it open (it might override).
 */
export function defenderRtpFromRegistry(local: RtpKeyReading, policy: RtpKeyReading): DefenderRtpRegistry {
  if (!policy.unreadable && policy.disabled === true) return { verdict: 'off', from: 'policy' };
  if (policy.unreadable) return { verdict: 'unreadable', from: 'policy' };
  if (policy.disabled === false) return { verdict: 'unconfirmed', from: 'policy' };
  if (local.unreadable) return { verdict: 'unreadable', from: 'local' };
  return local.disabled === true ? { verdict: 'off', from: 'local' } : { verdict: 'unconfirmed', from: 'local' };
}
