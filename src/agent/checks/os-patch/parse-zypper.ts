/** Parsers for the SUSE family: `zypper list-patches` and `/var/log/zypp/history`. */
import { earlierOf, laterOf, lines, looksLikeBinary, parseLogTimestamp, type Unrecognised } from './parse-util.js';

export interface ZypperPatch {
  name: string;
  category: string;
  severity?: string;
  /** The summary names the kernel (`Security update for the Linux Kernel`): an update of the OS itself. */
  kernel: boolean;
}

export type ParsedZypperPatches = { ok: true; patches: ZypperPatch[]; securityCount: number } | Unrecognised;

/**
 * Parses `zypper --non-interactive --no-refresh list-patches` (LC_ALL=C):
 * ```
 * Loading repository data...
 * Reading installed packages...
 * Repository        | Name                     | Category | Severity  | Interactive | Status | Summary
 * ------------------+--------------------------+----------+-----------+-------------+--------+--------
 * SLE-Updates       | SUSE-SLE-15-SP4-2023-123 | security | important | ---         | needed | Security update for openssl
 * ```
 * Columns are found by their header names, so added or reordered columns still parse.
 * `No updates found.` is zero patches. Rows whose Status is not `needed` are not pending.
 * Returns `{ ok: false }` without a recognisable table. Never throws.
 */
export function parseZypperListPatches(text: string): ParsedZypperPatches {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  let header: string[] | undefined;
  const patches: ZypperPatch[] = [];
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (!header) {
      if (/^No (updates|patches) found\.?$/i.test(line)) return { ok: true, patches: [], securityCount: 0 };
      if (/^(Error|ERROR|Problem|System management is locked)/.test(line)) return { ok: false, error: `zypper reported an error: ${line.slice(0, 200)}` };
      if (line.includes('|')) {
        const cells = line.split('|').map((c) => c.trim().toLowerCase());
        if (cells.includes('name') && cells.includes('category')) header = cells;
      }
      continue;
    }
    if (!line.includes('|') || /^[-+]+$/.test(line)) continue;
    const cells = line.split('|').map((c) => c.trim());
    const get = (col: string): string | undefined => {
      const i = header?.indexOf(col) ?? -1;
      return i >= 0 ? cells[i] : undefined;
    };
    const name = get('name');
    const category = get('category');
    if (!name || !category) return { ok: false, error: `unrecognised row: ${line.slice(0, 120)}` };
    const status = get('status');
    if (status && status.toLowerCase() !== 'needed') continue;
    const severity = get('severity');
    const summary = get('summary') ?? '';
    patches.push({ name, category, ...(severity && severity !== '---' ? { severity } : {}), kernel: /\bkernel\b/i.test(summary) });
  }
  if (!header) return { ok: false, error: 'no patch table and no "No updates found."' };
  return { ok: true, patches, securityCount: patches.filter((p) => p.category.toLowerCase() === 'security').length };
}

export type ParsedZyppHistory = { ok: true; upgrades: number; lastUpgradeAt?: string; firstEntryAt?: string } | Unrecognised;

/**
 * Parses libzypp's history `/var/log/zypp/history`:
 * ```
 * # 2023-01-10 09:12:01 openssl-1_1-1.1.1l-150400.7.28.1.x86_64.rpm installed ok
 * 2023-01-10 09:12:01|install|openssl-1_1|1.1.1l-150400.7.28.1|x86_64|root@host|repo-sle-update|4d5e…|
 * ```
 * zypp logs upgrades as `install`, so an `install` of a package the history already holds
 * (and has not removed since) counts as an upgrade; first installs do not. Device-local time.
 * An empty file is valid. Returns `{ ok: false }` when non-empty text has no dated row. Never throws.
 */
export function parseZyppHistory(text: string): ParsedZyppHistory {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  const present = new Set<string>();
  let upgrades = 0;
  let lastUpgradeAt: string | undefined;
  let firstEntryAt: string | undefined;
  let dated = 0;
  for (const raw of lines(text)) {
    if (raw.startsWith('#')) continue;
    const [when, action, name] = raw.split('|');
    const at = parseLogTimestamp(when ?? '');
    if (!at || !action) continue;
    dated++;
    firstEntryAt = earlierOf(firstEntryAt, at);
    const pkg = (name ?? '').trim();
    if (action.trim() === 'install' && pkg) {
      if (present.has(pkg)) {
        upgrades++;
        lastUpgradeAt = laterOf(lastUpgradeAt, at);
      }
      present.add(pkg);
    } else if (action.trim() === 'remove' && pkg) {
      present.delete(pkg);
    }
  }
  if (dated === 0 && text.trim() !== '') return { ok: false, error: 'no dated row: not a zypp history' };
  return { ok: true, upgrades, ...(lastUpgradeAt ? { lastUpgradeAt } : {}), ...(firstEntryAt ? { firstEntryAt } : {}) };
}
