/** Parser for `reg query <key> [/v name] [/s]` output (used by the mdm and screen-lock checks). */
import { excerpt, lines, unrecognised, unusableText, type Unrecognised } from '../firewall/parse-util.js';

export interface RegValue {
  /** `REG_SZ`, `REG_DWORD`, `REG_EXPAND_SZ`, … */
  type: string;
  data: string;
}

export interface RegKey {
  /** Full key path as reg prints it: `HKEY_CURRENT_USER\Control Panel\Desktop`. */
  path: string;
  /** Value name to value; the unnamed default value is `(Default)` in English only, so it is skipped. */
  values: Record<string, RegValue>;
}

export type ParsedRegQuery = { ok: true; keys: RegKey[] } | Unrecognised;

/**
 * Parses `reg query` output. Key lines start with a root name; value lines are indented
 * by four spaces with four-space separators:
 * ```
 * HKEY_CURRENT_USER\Control Panel\Desktop
 *     ScreenSaveActive    REG_SZ    1
 *     ScreenSaverIsSecure    REG_SZ    1
 *     ScreenSaveTimeOut    REG_SZ    600
 * ```
 * The trailing `End of search: N match(es) found.` of `/s` is localised and skipped, as
 * is any other unindented line. An indented line that is not a value, or output without
 * any key line, is unrecognised. Never throws.
 */
export function parseRegQuery(text: string): ParsedRegQuery {
  const bad = unusableText(text);
  if (bad) return bad;
  const keys: RegKey[] = [];
  let current: RegKey | undefined;
  for (const raw of lines(text)) {
    if (raw.trim() === '') continue;
    if (/^HKEY_[A-Z_]+(\\.*)?$/.test(raw.trimEnd())) {
      current = { path: raw.trimEnd().slice(0, 1024), values: {} };
      keys.push(current);
      continue;
    }
    if (/^\s/.test(raw)) {
      const m = /^\s{2,}(.+?)\s{2,}(REG_[A-Z0-9_]+)(?:\s{2,}(.*?))?\s*$/.exec(raw);
      if (!m || !current) return unrecognised(`unrecognised line: ${excerpt(raw)}`);
      const name = m[1] ?? '';
      if (/^\(.*\)$/.test(name)) continue;
      if (name === '__proto__') continue;
      if (!Object.hasOwn(current.values, name)) current.values[name] = { type: m[2] ?? '', data: (m[3] ?? '').slice(0, 2048) };
      continue;
    }
    // `End of search: …` and its translations.
  }
  if (keys.length === 0) return unrecognised('no registry key line');
  return { ok: true, keys };
}

/** A `REG_DWORD` (`0x1`) or `REG_SZ` decimal value as a number, or undefined. */
export function regNumber(v: RegValue | undefined): number | undefined {
  if (!v) return undefined;
  const d = v.data.trim();
  if (v.type === 'REG_DWORD' || v.type === 'REG_QWORD') return /^0x[0-9a-f]+$/i.test(d) ? Number.parseInt(d, 16) : undefined;
  return /^\d{1,10}$/.test(d) ? Number(d) : undefined;
}
