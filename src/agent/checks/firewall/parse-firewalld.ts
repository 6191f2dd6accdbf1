/** Parsers for firewalld: `firewall-cmd --state` and `/etc/firewalld/firewalld.conf`. */
import { excerpt, lines, unrecognised, unusableText, type Unrecognised } from './parse-util.js';

export type ParsedFirewallCmdState = { ok: true; running: boolean } | Unrecognised;

/**
 * Parses `firewall-cmd --state`, which prints `running` (exit 0) on stdout or
 * `not running` (exit 252) on stderr; the collector passes both streams joined.
 * ```
 * running
 * ```
 * Anything else (a D-Bus error, an authorisation failure) is unrecognised. Never throws.
 */
export function parseFirewallCmdState(text: string): ParsedFirewallCmdState {
  const bad = unusableText(text);
  if (bad) return bad;
  const meaningful = lines(text).map((l) => l.trim()).filter((l) => l !== '');
  if (meaningful.length === 1) {
    if (meaningful[0] === 'running') return { ok: true, running: true };
    if (meaningful[0] === 'not running') return { ok: true, running: false };
  }
  return unrecognised(`unexpected firewall-cmd answer: ${excerpt(meaningful[0] ?? '')}`);
}

export type ParsedFirewalldConf = { ok: true; defaultZone?: string } | Unrecognised;

/**
 * Parses `/etc/firewalld/firewalld.conf` for the zone new interfaces get:
 * ```
 * # default zone
 * DefaultZone=public
 * ```
 * The `trusted` zone accepts everything, every other stock zone rejects unsolicited
 * inbound traffic. A file without `DefaultZone` still parses (firewalld then uses
 * `public`, but that is left for the caller to say). Never throws.
 */
export function parseFirewalldConf(text: string): ParsedFirewalldConf {
  if (text.trim() === '') return { ok: true };
  const bad = unusableText(text);
  if (bad) return bad;
  let defaultZone: string | undefined;
  for (const raw of lines(text)) {
    const m = /^\s*DefaultZone\s*=\s*([A-Za-z0-9_.-]{1,64})\s*$/.exec(raw);
    if (m) defaultZone = m[1];
  }
  return defaultZone ? { ok: true, defaultZone } : { ok: true };
}
