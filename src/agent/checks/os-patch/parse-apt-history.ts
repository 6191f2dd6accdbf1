/** Parsers for Debian-family install history: `/var/log/apt/history.log` and `/var/log/dpkg.log`. */
import { clip, earlierOf, laterOf, lines, looksLikeBinary, parseLogTimestamp, type Unrecognised } from './parse-util.js';

export interface AptTransaction {
  /** Device-local time, no offset (apt writes none). */
  start: string;
  end?: string;
  commandline?: string;
  /** How many packages the transaction upgraded. */
  upgraded: number;
  /** The first few upgraded package names (without `:arch`), for display. */
  upgradedSample: string[];
  installed: number;
  removed: number;
  error?: string;
}

export interface AptHistory {
  ok: true;
  transactions: AptTransaction[];
  /** End (or start) of the newest transaction that upgraded packages without an error. */
  lastUpgradeAt?: string;
  /** Start of the oldest transaction in the file. */
  firstEntryAt?: string;
}

export type ParsedAptHistory = AptHistory | Unrecognised;

/**
 * Parses apt's history log, a series of stanzas:
 * ```
 * Start-Date: 2019-07-10  16:38:08
 * Commandline: apt-get upgrade --no-install-recommends --assume-yes
 * Upgrade: libssl1.1:amd64 (1.1.0j-1~deb9u1, 1.1.0k-1~deb9u1), vim-common:amd64 (…)
 * Error: Sub-process /usr/bin/dpkg returned an error code (1)
 * End-Date: 2019-07-10  16:38:10
 * ```
 * Only `Upgrade:` transactions that did not end in `Error:` count as installed updates
 * (a fresh `Install:` adds software; it does not patch what was there). An empty file is a
 * valid history with no transactions. Returns `{ ok: false }` when non-empty text has no
 * `Start-Date` stanza. Never throws.
 */
export function parseAptHistoryLog(text: string): ParsedAptHistory {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  const transactions: AptTransaction[] = [];
  let cur: AptTransaction | undefined;
  let meaningful = 0;
  for (const raw of lines(text)) {
    const m = /^([A-Z][A-Za-z-]*):\s?(.*)$/.exec(raw);
    if (!m) continue;
    const key = m[1] ?? '';
    const value = (m[2] ?? '').trim();
    if (key === 'Start-Date') {
      const start = parseLogTimestamp(value);
      cur = undefined;
      if (!start) continue;
      cur = { start, upgraded: 0, upgradedSample: [], installed: 0, removed: 0 };
      transactions.push(cur);
      meaningful++;
      continue;
    }
    if (!cur) continue;
    switch (key) {
      case 'End-Date': {
        const end = parseLogTimestamp(value);
        if (end) cur.end = end;
        break;
      }
      case 'Commandline':
        cur.commandline = clip(value, 200);
        break;
      case 'Upgrade': {
        const names = packageNames(value);
        cur.upgraded += names.length;
        cur.upgradedSample = [...cur.upgradedSample, ...names].slice(0, 3);
        break;
      }
      case 'Install':
      case 'Reinstall':
        cur.installed += packageNames(value).length;
        break;
      case 'Remove':
      case 'Purge':
        cur.removed += packageNames(value).length;
        break;
      case 'Error':
        cur.error = clip(value, 200);
        break;
      default:
        break;
    }
  }
  if (meaningful === 0 && text.trim() !== '') return { ok: false, error: 'no Start-Date stanza: not an apt history log' };
  const out: AptHistory = { ok: true, transactions };
  for (const t of transactions) {
    if (t.upgraded > 0 && !t.error) out.lastUpgradeAt = laterOf(out.lastUpgradeAt, t.end ?? t.start);
    out.firstEntryAt = earlierOf(out.firstEntryAt, t.start);
  }
  if (out.lastUpgradeAt === undefined) delete out.lastUpgradeAt;
  if (out.firstEntryAt === undefined) delete out.firstEntryAt;
  return out;
}

/** `a:amd64 (1.0, 1.1), b:all (2.0)` → `['a', 'b']` (commas inside parentheses are not separators). */
function packageNames(list: string): string[] {
  return list
    .replace(/\([^)]*\)/g, '')
    .split(',')
    .map((s) => s.trim().replace(/:[a-z0-9-]+$/, ''))
    .filter((s) => /^[a-z0-9][a-z0-9+.-]*$/.test(s));
}

export interface DpkgLog {
  ok: true;
  upgrades: number;
  lastUpgradeAt?: string;
  firstEntryAt?: string;
}

export type ParsedDpkgLog = DpkgLog | Unrecognised;

/**
 * Parses `/var/log/dpkg.log`:
 * ```
 * 2026-09-22 04:45:25 upgrade linux-libc-dev:amd64 6.1.140-1 6.1.187-1
 * 2026-09-22 04:45:26 status installed linux-libc-dev:amd64 6.1.187-1
 * ```
 * The newest `upgrade` line is the last time a package was upgraded (device-local time).
 * An empty file is valid. Returns `{ ok: false }` when non-empty text has no dated line.
 * Never throws.
 */
export function parseDpkgLog(text: string): ParsedDpkgLog {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  const out: DpkgLog = { ok: true, upgrades: 0 };
  let dated = 0;
  for (const raw of lines(text)) {
    const m = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (\S+) /.exec(raw);
    if (!m) continue;
    const at = parseLogTimestamp(m[1] ?? '');
    if (!at) continue;
    dated++;
    out.firstEntryAt = earlierOf(out.firstEntryAt, at);
    if (m[2] === 'upgrade') {
      out.upgrades++;
      out.lastUpgradeAt = laterOf(out.lastUpgradeAt, at);
    }
  }
  if (dated === 0 && text.trim() !== '') return { ok: false, error: 'no dated dpkg line: not a dpkg log' };
  if (out.lastUpgradeAt === undefined) delete out.lastUpgradeAt;
  if (out.firstEntryAt === undefined) delete out.firstEntryAt;
  return out;
}
