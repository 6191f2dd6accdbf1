/**
 * `reg query` output, the one parser every Windows reader of the registry shares (os_patch,
 * mdm, screen_lock, firewall, edr and the managed configuration), plus the reading of a
 * `reg` probe's output that tells an absent key from a failure.
 *
 * reg.exe's value lines do not depend on the display language (key paths, value names,
 * `REG_*` types and hex DWORDs are the same everywhere); only its messages are localised:
 * the `(Default)` value name, `ERROR: …` on stderr and the `End of search: N match(es)
 * found.` trailer of `/s`. Those are never read as text here.
 */
import type { Gap } from '../../shared/check-ids.js';
import { probeGap, stdoutText } from '../probes/text.js';
import type { ProbeOutput } from '../probes/types.js';
import { excerpt, lines, unrecognised, unusableText, type Unrecognised } from './firewall/parse-util.js';

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

const KEY_LINE = /^HKEY_[A-Z_]+(\\.*)?$/;

/**
 * Parses `reg query <key> [/v name] [/s]` output. Key lines start with a root name; value
 * lines are indented by four spaces with four-space separators:
 * ```
 * HKEY_CURRENT_USER\Control Panel\Desktop
 *     ScreenSaveActive    REG_SZ    1
 *     ScreenSaveTimeOut    REG_SZ    600
 *
 * HKEY_CURRENT_USER\Control Panel\Desktop\Colors
 * ```
 * Without `/s`, subkeys are listed as bare key lines (keys without values). The trailing
 * `End of search: N match(es) found.` of `/s` is localised and skipped, as is any other
 * unindented line. An indented line that is not a value, or output without any key line,
 * is unrecognised. The first of two values with one name wins. Never throws.
 */
export function parseRegQuery(text: string): ParsedRegQuery {
  const bad = unusableText(text);
  if (bad) return bad;
  const keys: RegKey[] = [];
  let current: RegKey | undefined;
  for (const raw of lines(text)) {
    if (raw.trim() === '') continue;
    if (KEY_LINE.test(raw.trimEnd())) {
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

/**
 * True when `text` is what `reg query <key> /s /v <name>` prints when the key exists but
 * no value of that name is found below it: a blank line and the localised trailer alone
 * (`End of search: 0 match(es) found.`, `Suche beendet: 0 Übereinstimmung(en) gefunden.`).
 * Recognised by shape, not wording: no key line, no indented line, one line whose only
 * number is 0.
 */
export function regSearchFoundNothing(text: string): boolean {
  if (unusableText(text)) return false;
  const nonEmpty = lines(text).filter((l) => l.trim() !== '');
  if (nonEmpty.length !== 1) return false;
  const line = nonEmpty[0] ?? '';
  if (/^\s/.test(line) || KEY_LINE.test(line.trimEnd())) return false;
  const numbers = line.match(/\d+/g) ?? [];
  return numbers.length === 1 && numbers[0] === '0';
}

/** A `REG_DWORD` (`0x1`) or `REG_SZ` decimal value as a number, or undefined. */
export function regNumber(v: RegValue | undefined): number | undefined {
  if (!v) return undefined;
  const d = v.data.trim();
  if (v.type === 'REG_DWORD' || v.type === 'REG_QWORD') return /^0x[0-9a-f]+$/i.test(d) ? Number.parseInt(d, 16) : undefined;
  return /^\d{1,10}$/.test(d) ? Number(d) : undefined;
}

/** A `REG_DWORD` switch: `0x1` is true, `0x0` false; any other type or number is undefined (never guessed). */
export function regDwordSwitch(v: RegValue | undefined): boolean | undefined {
  if (v?.type !== 'REG_DWORD') return undefined;
  const n = regNumber(v);
  return n === 1 ? true : n === 0 ? false : undefined;
}

/** What a `reg query` probe gave: its keys (`[]` when the key does not exist), or why it cannot tell. */
export type RegRead = { keys: RegKey[]; gap?: undefined } | { keys?: undefined; gap: Gap };

export interface ReadRegQueryOptions {
  /**
   * The key (or the `/v` value) may legitimately be absent: reg's exit code 1 with nothing
   * on stdout then reads as `[]`, not as a failure. reg's messages are localised, so absence
   * is recognised by that exit code and the empty stdout, never by the text on stderr; exit 1
   * is also "access denied", which `probeGap` recognises (in English) as a permission gap.
   */
  absentOk?: boolean;
  /**
   * The query is a `/s /v <name>` search: its localised zero-match trailer alone (exit 0, or
   * exit 1 with `absentOk`) reads as `[]`, like an absent key.
   */
  search?: boolean;
}

/**
 * Reads the output of a `reg query` probe for `fact`. Returns the parsed keys, `[]` for an
 * absent key when `absentOk`, or a gap (the probe's error, a failed exit, unrecognised
 * output). Pure: it runs nothing. Never throws.
 */
export function readRegQuery(out: ProbeOutput, fact: string, opts: ReadRegQueryOptions = {}): RegRead {
  const absent = (text: string): boolean => text.trim() === '' || (opts.search === true && regSearchFoundNothing(text));
  if (opts.absentOk && !out.error && out.exitCode === 1 && absent(stdoutText(out))) {
    const g = probeGap(out, fact);
    if (g?.reason === 'permission') return { gap: g };
    return { keys: [] };
  }
  const gap = probeGap(out, fact);
  if (gap) return { gap };
  const text = stdoutText(out);
  const parsed = parseRegQuery(text);
  if (parsed.ok) return { keys: parsed.keys };
  if (opts.search && regSearchFoundNothing(text)) return { keys: [] };
  return { gap: { fact, reason: 'parse-error', probe: out.key, detail: parsed.error } };
}
