/** Parsers for macOS screen-lock settings: `sysadminctl -screenLock status`, `defaults`, `pmset -g`. */
import { excerpt, lines, unrecognised, unusableText, type Unrecognised } from '../firewall/parse-util.js';

export type ParsedSysadminctlScreenLock = { ok: true; enabled: boolean; delaySeconds?: number } | Unrecognised;

/**
 * Parses `sysadminctl -screenLock status`, which answers on stderr after a log prefix:
 * ```
 * 2024-05-02 10:11:12.345 sysadminctl[1234:56789] screenLock delay is 300 seconds
 * ```
 * or `screenLock is immediate` / `screenLock is off`. Never throws.
 */
export function parseSysadminctlScreenLock(text: string): ParsedSysadminctlScreenLock {
  const bad = unusableText(text);
  if (bad) return bad;
  for (const raw of lines(text)) {
    const line = raw.trim();
    const delay = /screenLock delay is (\d{1,9}) seconds?\.?$/i.exec(line);
    if (delay) return { ok: true, enabled: true, delaySeconds: Number(delay[1]) };
    if (/screenLock is immediate\.?$/i.test(line)) return { ok: true, enabled: true, delaySeconds: 0 };
    if (/screenLock is off\.?$/i.test(line)) return { ok: true, enabled: false };
  }
  return unrecognised(`no "screenLock …" answer: ${excerpt(lines(text).find((l) => l.trim() !== '') ?? '')}`);
}

export type ParsedDefaultsInteger = { ok: true; value: number } | Unrecognised;

/**
 * Parses `defaults -currentHost read com.apple.screensaver idleTime`: one integer.
 * ```
 * 600
 * ```
 * A missing key is an error on stderr with exit 1, handled by the collector. Never throws.
 */
export function parseDefaultsInteger(text: string): ParsedDefaultsInteger {
  const bad = unusableText(text);
  if (bad) return bad;
  const meaningful = lines(text).map((l) => l.trim()).filter((l) => l !== '');
  const m = meaningful.length === 1 ? /^(\d{1,9})$/.exec(meaningful[0] ?? '') : null;
  return m ? { ok: true, value: Number(m[1]) } : unrecognised(`not one integer: ${excerpt(meaningful[0] ?? '')}`);
}

export type ParsedPmset = { ok: true; displaySleepMinutes: number } | Unrecognised;

/**
 * Parses `pmset -g` for the display-sleep timer in use (0 = never):
 * ```
 * System-wide power settings:
 * Currently in use:
 *  standby              1
 *  displaysleep         10
 *  sleep                1 (sleep prevented by coreaudiod)
 * ```
 * Never throws.
 */
export function parsePmsetDisplaySleep(text: string): ParsedPmset {
  const bad = unusableText(text);
  if (bad) return bad;
  for (const raw of lines(text)) {
    const m = /^\s*displaysleep\s+(\d{1,6})\b/.exec(raw);
    if (m) return { ok: true, displaySleepMinutes: Number(m[1]) };
  }
  return unrecognised('no "displaysleep" line');
}
