/** Parsers for the macOS Application Firewall CLI, `socketfilterfw`. */
import { excerpt, lines, unrecognised, unusableText, type Unrecognised } from './parse-util.js';

export type ParsedSocketfilterfwState =
  | {
      ok: true;
      enabled: boolean;
      /** The number in `(State = N)`: 0 off, 1 on, 2 on (essential services only on older macOS). */
      state?: number;
      blockAll?: boolean;
      stealthMode?: boolean;
      allowBuiltInSigned?: boolean;
      allowDownloadedSigned?: boolean;
      logging?: boolean;
      loggingOption?: string;
    }
  | Unrecognised;

type Field = 'enabled' | 'blockAll' | 'stealthMode' | 'allowBuiltInSigned' | 'allowDownloadedSigned' | 'logging';

/** Line shapes of each getter, old and new macOS wordings. */
const PATTERNS: ReadonlyArray<readonly [RegExp, Field]> = [
  [/^Firewall has block all state set to (enabled|disabled)\.?$/i, 'blockAll'],
  [/^Block all (enabled|disabled)!?$/i, 'blockAll'],
  [/^Automatically allow built-in signed software (enabled|disabled)\.?$/i, 'allowBuiltInSigned'],
  [/^Automatically allow downloaded signed software (enabled|disabled)\.?$/i, 'allowDownloadedSigned'],
  [/^Stealth mode (enabled|disabled)\.?$/i, 'stealthMode'],
  [/^Firewall stealth mode is (on|off)\.?$/i, 'stealthMode'],
  [/^Log mode is (on|off)\.?$/i, 'logging'],
];

/**
 * Parses `socketfilterfw --getglobalstate --getblockall --getallowsigned --getstealthmode
 * --getloggingmode --getloggingopt` (one line per getter, in order):
 * ```
 * Firewall is enabled. (State = 2)
 * Firewall has block all state set to disabled.
 * Automatically allow built-in signed software ENABLED.
 * Automatically allow downloaded signed software ENABLED.
 * Stealth mode enabled
 * Log mode is on
 * Log Option is throttled
 * ```
 * Also reads the older wordings (`Block all DISABLED!`, `Firewall stealth mode is off`,
 * `Firewall is blocking all non-essential incoming connections.`). The global state line
 * is required; a line that contradicts another (e.g. "enabled" with `State = 0`) makes
 * the output unrecognised. Unknown lines are skipped. Never throws.
 */
export function parseSocketfilterfwState(text: string): ParsedSocketfilterfwState {
  const bad = unusableText(text);
  if (bad) return bad;
  const seen: Partial<Record<Field, boolean>> = {};
  let state: number | undefined;
  let loggingOption: string | undefined;
  const set = (field: Field, value: boolean): string | undefined => {
    if (seen[field] !== undefined && seen[field] !== value) return `contradictory ${field} lines`;
    seen[field] = value;
    return undefined;
  };
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '') continue;
    const global = /^Firewall is (enabled|disabled)\.?\s*(?:\(State = (\d+)\))?$/i.exec(line);
    if (global) {
      const on = (global[1] ?? '').toLowerCase() === 'enabled';
      if (global[2] !== undefined) {
        state = Number(global[2]);
        if ((state === 0) === on) return unrecognised(`state number contradicts the text: ${excerpt(line)}`);
      }
      const err = set('enabled', on);
      if (err) return unrecognised(err);
      continue;
    }
    if (/^Firewall is blocking all non-essential incoming connections\.?$/i.test(line)) {
      const err = set('blockAll', true);
      if (err) return unrecognised(err);
      continue;
    }
    const opt = /^Log Option is (throttled|brief|detail)$/i.exec(line);
    if (opt) {
      loggingOption = (opt[1] ?? '').toLowerCase();
      continue;
    }
    for (const [re, field] of PATTERNS) {
      const m = re.exec(line);
      if (!m) continue;
      const err = set(field, /^(enabled|on)$/i.test(m[1] ?? ''));
      if (err) return unrecognised(err);
      break;
    }
  }
  if (seen.enabled === undefined) return unrecognised('no "Firewall is enabled|disabled" line');
  return {
    ok: true,
    enabled: seen.enabled,
    ...(state !== undefined ? { state } : {}),
    ...(seen.blockAll !== undefined ? { blockAll: seen.blockAll } : {}),
    ...(seen.stealthMode !== undefined ? { stealthMode: seen.stealthMode } : {}),
    ...(seen.allowBuiltInSigned !== undefined ? { allowBuiltInSigned: seen.allowBuiltInSigned } : {}),
    ...(seen.allowDownloadedSigned !== undefined ? { allowDownloadedSigned: seen.allowDownloadedSigned } : {}),
    ...(seen.logging !== undefined ? { logging: seen.logging } : {}),
    ...(loggingOption !== undefined ? { loggingOption } : {}),
  };
}

export interface SocketfilterfwApp {
  name: string;
  state: number;
  /** State 1 allows incoming connections, 4 blocks them; other numbers are left undefined. */
  allowIncoming?: boolean;
}

export type ParsedSocketfilterfwApps = { ok: true; total: number; apps: SocketfilterfwApp[] } | Unrecognised;

/**
 * Parses `socketfilterfw --listapps` (macOS 13 and later):
 * ```
 * Total number of apps = 6
 * replicatord (state: 1)
 * Pop Helper.app (state: 4)
 * ```
 * The count line is required; any other line that is not `name (state: N)` makes the
 * output unrecognised (older macOS printed a different, multi-line layout). Never throws.
 */
export function parseSocketfilterfwApps(text: string): ParsedSocketfilterfwApps {
  const bad = unusableText(text);
  if (bad) return bad;
  let total: number | undefined;
  const apps: SocketfilterfwApp[] = [];
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '') continue;
    const t = /^Total number of apps = (\d+)$/.exec(line);
    if (t) {
      total = Number(t[1]);
      continue;
    }
    const m = /^(.+?)\s+\(state:\s*(\d+)\)$/.exec(line);
    if (!m || total === undefined) return unrecognised(`unrecognised line: ${excerpt(line)}`);
    const state = Number(m[2]);
    const app: SocketfilterfwApp = { name: (m[1] ?? '').slice(0, 256), state };
    if (state === 1) app.allowIncoming = true;
    else if (state === 4) app.allowIncoming = false;
    apps.push(app);
  }
  if (total === undefined) return unrecognised('no "Total number of apps" line');
  return { ok: true, total, apps };
}
