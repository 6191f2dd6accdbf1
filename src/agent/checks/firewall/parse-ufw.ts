/** Parsers for ufw (Uncomplicated Firewall): its config file and `ufw status verbose`. */
import { excerpt, lines, unrecognised, unusableText, type Unrecognised } from './parse-util.js';

export type ParsedUfwConf = { ok: true; enabled: boolean } | Unrecognised;

/**
 * Parses `/etc/ufw/ufw.conf`, whose `ENABLED` says whether ufw loads its rules at boot
 * (and is rewritten by `ufw enable` / `ufw disable`):
 * ```
 * # Set to yes to start on boot. If setting this remotely, be sure to add a rule
 * ENABLED=yes
 * LOGLEVEL=low
 * ```
 * Returns `{ ok: false }` when there is no `ENABLED=yes|no` line. Never throws.
 */
export function parseUfwConf(text: string): ParsedUfwConf {
  const bad = unusableText(text);
  if (bad) return bad;
  let enabled: boolean | undefined;
  for (const raw of lines(text)) {
    const m = /^\s*ENABLED\s*=\s*["']?([A-Za-z]*)["']?\s*$/.exec(raw);
    if (!m) continue;
    const v = (m[1] ?? '').toLowerCase();
    // ufw's own init script treats only "yes" as enabled.
    enabled = v === 'yes';
  }
  return enabled === undefined ? unrecognised('no ENABLED= line') : { ok: true, enabled };
}

export type ParsedUfwStatus =
  | {
      ok: true;
      active: boolean;
      /** `deny`, `reject` or `allow`, from the `Default:` line (verbose output, active only). */
      defaultIncoming?: string;
      /** Number of rules listed under the `To  Action  From` header. */
      rules: number;
    }
  | Unrecognised;

/**
 * Parses `ufw status verbose` (LC_ALL=C, run as root):
 * ```
 * Status: active
 * Logging: on (low)
 * Default: deny (incoming), allow (outgoing), disabled (routed)
 * New profiles: skip
 *
 * To                         Action      From
 * --                         ------      ----
 * 22/tcp                     ALLOW IN    Anywhere
 * ```
 * or `Status: inactive`. Returns `{ ok: false }` without a `Status:` line (e.g. the
 * non-root `ERROR: You need to be root to run this script`). Never throws.
 */
export function parseUfwStatus(text: string): ParsedUfwStatus {
  const bad = unusableText(text);
  if (bad) return bad;
  let active: boolean | undefined;
  let defaultIncoming: string | undefined;
  let rules = 0;
  let inTable = false;
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '') continue;
    if (/^ERROR:/.test(line)) return unrecognised(`ufw reported an error: ${excerpt(line)}`);
    const status = /^Status:\s*(active|inactive)$/i.exec(line);
    if (status) {
      active = (status[1] ?? '').toLowerCase() === 'active';
      continue;
    }
    const def = /^Default:\s*([a-z]+)\s*\(incoming\)/i.exec(line);
    if (def) {
      defaultIncoming = (def[1] ?? '').toLowerCase();
      continue;
    }
    if (/^To\s+Action\s+From$/.test(line)) {
      inTable = true;
      continue;
    }
    if (/^-+\s+-+\s+-+$/.test(line)) continue;
    if (inTable) rules++;
  }
  if (active === undefined) return unrecognised('no "Status: active|inactive" line');
  return { ok: true, active, ...(defaultIncoming ? { defaultIncoming } : {}), rules };
}
