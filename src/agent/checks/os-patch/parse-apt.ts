/** Parsers for apt's view of pending updates: `apt list --upgradable` and update-notifier's text. */
import { lines, looksLikeBinary, type Unrecognised } from './parse-util.js';

export interface AptUpgradable {
  name: string;
  /** Suites offering the new version, de-duplicated: `jammy-updates`, `jammy-security`. */
  suites: string[];
  version: string;
  arch: string;
  fromVersion?: string;
  /** Offered by a `*-security` suite. */
  security: boolean;
}

export type ParsedAptList = { ok: true; packages: AptUpgradable[]; securityCount: number } | Unrecognised;

/**
 * Parses `apt list --upgradable` (run with LC_ALL=C):
 * ```
 * Listing... Done
 * openssl/jammy-updates,jammy-security 3.0.2-0ubuntu1.10 amd64 [upgradable from: 3.0.2-0ubuntu1.8]
 * N: There is 1 additional version. Please use the '-a' switch to see it
 * ```
 * `Listing...`, `WARNING:`, `N:`/`W:` notice lines and blank lines are ignored. A package is
 * a security update when any of its suites ends in `-security`. Returns `{ ok: false }` for
 * apt errors (`E:` lines) or any other line it does not recognise. Never throws.
 */
export function parseAptListUpgradable(text: string): ParsedAptList {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  const packages: AptUpgradable[] = [];
  let sawListing = false;
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '') continue;
    if (/^Listing\.\.\./.test(line)) {
      sawListing = true;
      continue;
    }
    if (/^(WARNING|N|W):/.test(line)) continue;
    if (/^E:/.test(line)) return { ok: false, error: `apt reported an error: ${line.slice(0, 200)}` };
    const m = /^([a-z0-9][a-z0-9+.\-:]*)\/(\S+)\s+(\S+)\s+(\S+)(?:\s+\[([^\]]*)\])?$/.exec(line);
    if (!m) return { ok: false, error: `unrecognised line: ${line.slice(0, 120)}` };
    const suites = [...new Set((m[2] ?? '').split(',').filter(Boolean))];
    const from = /:\s*(\S+)$/.exec(m[5] ?? '')?.[1];
    packages.push({
      name: m[1] ?? '',
      suites,
      version: m[3] ?? '',
      arch: m[4] ?? '',
      ...(from ? { fromVersion: from } : {}),
      security: suites.some((s) => /-security$/.test(s)),
    });
  }
  if (!sawListing && packages.length === 0) return { ok: false, error: 'no "Listing..." line and no packages: not apt list output' };
  return { ok: true, packages, securityCount: packages.filter((p) => p.security).length };
}

export type ParsedUpdateNotifier = { ok: true; updates: number; securityUpdates: number } | Unrecognised;

/**
 * Parses update-notifier's summary (the Ubuntu login MOTD, also kept in
 * `/var/lib/update-notifier/updates-available`):
 * ```
 * 2 updates can be applied immediately.
 * 2 of these updates are standard security updates.
 * ```
 * Also the older form `12 packages can be updated.` / `4 updates are security updates.`
 * update-notifier prints the security line only when there are some, so its absence is 0.
 * Returns `{ ok: false }` without an updates line. Never throws.
 */
export function parseUpdateNotifier(text: string): ParsedUpdateNotifier {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  let updates: number | undefined;
  let security: number | undefined;
  for (const raw of lines(text)) {
    const line = raw.trim();
    let m = /^(\d+) (?:updates?|packages?) can be (?:applied immediately|updated)\.$/.exec(line);
    if (m) {
      updates = Number(m[1]);
      continue;
    }
    m = /^(\d+) (?:of these updates (?:is a|are) standard security updates?|updates? (?:is a|are) security updates?)\.$/.exec(line);
    if (m) security = Number(m[1]);
  }
  if (updates === undefined) return { ok: false, error: 'no "N updates can be applied" line' };
  if (security === undefined) {
    // update-notifier omits the security line when there are none.
    security = 0;
  }
  if (security > updates) return { ok: false, error: 'more security updates than updates' };
  return { ok: true, updates, securityUpdates: security };
}
