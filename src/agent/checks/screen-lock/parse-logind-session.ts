/** Parser for systemd-logind's per-session state files, `/run/systemd/sessions/<id>`. */
import { lines, unrecognised, unusableText, type Unrecognised } from '../firewall/parse-util.js';

export interface LogindSession {
  ok: true;
  /** `x11`, `wayland`, `tty`, `mir`, `unspecified`. */
  type?: string;
  /** `user`, `greeter`, `lock-screen`, `background`, `manager`. */
  class?: string;
  /** `XDG_CURRENT_DESKTOP` of the session as logind recorded it: `GNOME`, `KDE`, `ubuntu:GNOME`. */
  desktop?: string;
  user?: string;
  active?: boolean;
  remote?: boolean;
}

export type ParsedLogindSession = LogindSession | Unrecognised;

/**
 * Parses a logind session file (world-readable `KEY=VALUE` lines):
 * ```
 * # This is private data. Do not parse.
 * UID=1000
 * USER=alice
 * ACTIVE=1
 * TYPE=wayland
 * CLASS=user
 * DESKTOP=GNOME
 * REMOTE=0
 * ```
 * logind calls the format private, so the parser only trusts files that have a `TYPE`
 * or `CLASS` line and treats everything else as unrecognised. Never throws.
 */
export function parseLogindSession(text: string): ParsedLogindSession {
  const bad = unusableText(text);
  if (bad) return bad;
  const kv = new Map<string, string>();
  for (const raw of lines(text)) {
    const m = /^([A-Z_]+)=(.*)$/.exec(raw.trim());
    if (m) kv.set(m[1] ?? '', (m[2] ?? '').slice(0, 128));
  }
  if (!kv.has('TYPE') && !kv.has('CLASS')) return unrecognised('no TYPE or CLASS line');
  const out: LogindSession = { ok: true };
  const type = kv.get('TYPE');
  if (type) out.type = type;
  const cls = kv.get('CLASS');
  if (cls) out.class = cls;
  const desktop = kv.get('DESKTOP');
  if (desktop) out.desktop = desktop;
  const user = kv.get('USER');
  if (user) out.user = user;
  const active = kv.get('ACTIVE');
  if (active === '0' || active === '1') out.active = active === '1';
  const remote = kv.get('REMOTE');
  if (remote === '0' || remote === '1') out.remote = remote === '1';
  return out;
}
