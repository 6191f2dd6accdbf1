/** Parser for KDE Plasma's screen locker settings, `~/.config/kscreenlockerrc`. */
import { lines, unusableText, type Unrecognised } from '../firewall/parse-util.js';

export interface KScreenLockerSettings {
  ok: true;
  /** `Autolock`: lock after `Timeout` minutes of idle (KDE default true). */
  autolock: boolean;
  /** `Timeout` in minutes (KDE default 5). */
  timeoutMinutes: number;
  /** `LockGrace` seconds after blanking during which no password is needed (KDE default 5). */
  lockGraceSeconds: number;
  /** `LockOnResume` (KDE default true). */
  lockOnResume: boolean;
  /** Which of the above came from the file rather than from KDE's defaults. */
  explicit: string[];
}

export type ParsedKScreenLocker = KScreenLockerSettings | Unrecognised;

/** KDE's compiled-in defaults (kscreenlocker `kscreensaversettings.kcfg`). */
export const KSCREENLOCKER_DEFAULTS = { autolock: true, timeoutMinutes: 5, lockGraceSeconds: 5, lockOnResume: true } as const;

/**
 * Parses `kscreenlockerrc`. KDE writes only the keys a user changed, so an absent key
 * means KDE's default; the collector passes `''` when the file does not exist.
 * ```
 * [Daemon]
 * Autolock=false
 * LockGrace=30
 * Timeout=10
 * ```
 * Keys outside `[Daemon]` are ignored; a value of the wrong type (e.g. `Timeout=ten`)
 * is unrecognised rather than replaced by the default. Never throws.
 */
export function parseKScreenLockerRc(text: string): ParsedKScreenLocker {
  if (text.trim() !== '') {
    const bad = unusableText(text);
    if (bad) return bad;
  }
  const out: KScreenLockerSettings = { ok: true, ...KSCREENLOCKER_DEFAULTS, explicit: [] };
  let section = '';
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) {
      section = s[1] ?? '';
      continue;
    }
    if (section !== 'Daemon') continue;
    // KDE allows `Key[$i]=value` (immutable, kiosk): the value still applies.
    const kv = /^([A-Za-z]+)(?:\[\$[a-z]+\])?\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    const key = kv[1] ?? '';
    const value = (kv[2] ?? '').trim();
    const bool = value === 'true' ? true : value === 'false' ? false : undefined;
    const num = /^\d{1,7}$/.test(value) ? Number(value) : undefined;
    switch (key) {
      case 'Autolock':
        if (bool === undefined) return { ok: false, error: `Autolock=${value.slice(0, 40)} is not true/false` };
        out.autolock = bool;
        break;
      case 'LockOnResume':
        if (bool === undefined) return { ok: false, error: `LockOnResume=${value.slice(0, 40)} is not true/false` };
        out.lockOnResume = bool;
        break;
      case 'Timeout':
        if (num === undefined) return { ok: false, error: `Timeout=${value.slice(0, 40)} is not a number of minutes` };
        out.timeoutMinutes = num;
        break;
      case 'LockGrace':
        if (num === undefined) return { ok: false, error: `LockGrace=${value.slice(0, 40)} is not a number of seconds` };
        out.lockGraceSeconds = num;
        break;
      default:
        continue;
    }
    if (!out.explicit.includes(key)) out.explicit.push(key);
  }
  return out;
}
