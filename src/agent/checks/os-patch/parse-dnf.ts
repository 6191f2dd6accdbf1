/** Parsers for the Red Hat family: `dnf/yum check-update`, `updateinfo list`, `/var/log/dnf.rpm.log`. */
import { earlierOf, laterOf, lines, looksLikeBinary, parseLogTimestamp, type Unrecognised } from './parse-util.js';

export interface RpmUpdate {
  name: string;
  arch: string;
  version: string;
  repo: string;
}

export type ParsedDnfCheckUpdate = { ok: true; packages: RpmUpdate[] } | Unrecognised;

/** Banner and notice lines dnf/yum print around the package table. */
const NOISE = [
  /^Last metadata expiration check:/,
  /^Loaded plugins:/,
  /^Loading mirror speeds/,
  /^Security: /,
  /^\s*\* \S+: /, // yum's mirror list (" * base: mirror.example")
  /^updateinfo list done$/,
  /^Updating Subscription Management repositories\.?$/,
];

/**
 * Parses `dnf check-update` / `yum check-update` (exit 100 = updates, 0 = none):
 * ```
 * Last metadata expiration check: 0:06:32 ago on Fri 28 Jul 2023 04:45:20 AM MDT.
 *
 * openssl.x86_64                     1:1.0.2k-26.el7_9        updates
 * ```
 * Rows a narrow terminal wrapped (name on one line, version and repository on the next)
 * are joined. The `Obsoleting Packages` section that may follow is not counted again.
 * Returns `{ ok: false }` for an `Error:` line or any row it does not recognise. Never throws.
 */
export function parseDnfCheckUpdate(text: string): ParsedDnfCheckUpdate {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  const packages: RpmUpdate[] = [];
  let carry: string | undefined;
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '' || NOISE.some((re) => re.test(raw))) continue;
    if (/^Obsoleting Packages/.test(line)) break;
    if (/^(Error|Fehler|Erreur):/.test(line)) return { ok: false, error: `dnf reported an error: ${line.slice(0, 200)}` };
    let tokens = line.split(/\s+/);
    if (carry !== undefined) {
      tokens = [carry, ...tokens];
      carry = undefined;
    }
    if (tokens.length === 1 && /^\S+\.[A-Za-z0-9_]+$/.test(tokens[0] ?? '')) {
      carry = tokens[0];
      continue;
    }
    const [nameArch, version, repo] = tokens;
    const m = /^(\S+)\.([A-Za-z0-9_]+)$/.exec(nameArch ?? '');
    if (tokens.length !== 3 || !m || !/^(\d+:)?[A-Za-z0-9._+~^-]+$/.test(version ?? '')) {
      return { ok: false, error: `unrecognised line: ${line.slice(0, 120)}` };
    }
    packages.push({ name: m[1] ?? '', arch: m[2] ?? '', version: version ?? '', repo: repo ?? '' });
  }
  if (carry !== undefined) return { ok: false, error: `output ends inside a row: ${carry.slice(0, 120)}` };
  return { ok: true, packages };
}

export interface UpdateInfoEntry {
  advisory: string;
  /** As printed: `bugfix`, `enhancement`, `Moderate/Sec.`, `security`. */
  type: string;
  package: string;
  security: boolean;
}

export type ParsedUpdateInfo =
  | { ok: true; entries: UpdateInfoEntry[]; securityAdvisories: number; securityPackages: number }
  | Unrecognised;

/**
 * Parses `dnf updateinfo list [--security]` / `yum updateinfo list [security]`:
 * ```
 * FEDORA-2020-352b61ce72 bugfix         iwl1000-firmware-1:39.31.5.1-115.fc32.noarch
 * FEDORA-2020-352b61ce72 Moderate/Sec.  iwl2000-firmware-18.168.6.1-115.fc32.noarch
 * RHSA-2023:1234         Important/Sec. openssl-libs-1:3.0.7-6.el9_2.x86_64
 * ```
 * A row is a security advisory when its type ends in `/Sec.` or is `security`; the count of
 * pending security updates is the number of distinct packages such rows name. Returns
 * `{ ok: false }` for an error or an unrecognised row. Never throws.
 */
export function parseUpdateInfoList(text: string): ParsedUpdateInfo {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  const entries: UpdateInfoEntry[] = [];
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '' || NOISE.some((re) => re.test(raw))) continue;
    if (/^(Error|Fehler|Erreur):/.test(line)) return { ok: false, error: `dnf reported an error: ${line.slice(0, 200)}` };
    // dnf marks advisories already installed with `i` when asked for --all; keep the table shape.
    const m = /^(?:i\s+)?([A-Za-z0-9][A-Za-z0-9:._-]*)\s+(\S+)\s+(\S+)$/.exec(line);
    if (!m || !/^[a-z]+$|\/Sec\.$/i.test(m[2] ?? '')) return { ok: false, error: `unrecognised line: ${line.slice(0, 120)}` };
    const type = m[2] ?? '';
    entries.push({ advisory: m[1] ?? '', type, package: m[3] ?? '', security: /\/Sec\.$/i.test(type) || type.toLowerCase() === 'security' });
  }
  const sec = entries.filter((e) => e.security);
  return {
    ok: true,
    entries,
    securityAdvisories: new Set(sec.map((e) => e.advisory)).size,
    securityPackages: new Set(sec.map((e) => e.package)).size,
  };
}

export type ParsedDnfRpmLog = { ok: true; upgrades: number; lastUpgradeAt?: string; firstEntryAt?: string } | Unrecognised;

/**
 * Parses dnf's rpm transaction log `/var/log/dnf.rpm.log`:
 * ```
 * 2026-02-14T09:30:12+0000 SUBDEBUG Upgrade: openssl-libs-1:3.2.2-6.el9.x86_64
 * 2026-02-14T09:30:14+0000 SUBDEBUG Upgraded: openssl-libs-1:3.0.7-27.el9.x86_64
 * ```
 * The newest `Upgrade:` line is the last time a package was upgraded. An empty file is valid.
 * Returns `{ ok: false }` when non-empty text has no dated line. Never throws.
 */
export function parseDnfRpmLog(text: string): ParsedDnfRpmLog {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  let upgrades = 0;
  let lastUpgradeAt: string | undefined;
  let firstEntryAt: string | undefined;
  let dated = 0;
  for (const raw of lines(text)) {
    const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}(?::?\d{2})?)?)\s+\S+\s+(\S+?):?\s/.exec(raw);
    if (!m) continue;
    const at = parseLogTimestamp(m[1] ?? '');
    if (!at) continue;
    dated++;
    firstEntryAt = earlierOf(firstEntryAt, at);
    if (m[2] === 'Upgrade') {
      upgrades++;
      lastUpgradeAt = laterOf(lastUpgradeAt, at);
    }
  }
  if (dated === 0 && text.trim() !== '') return { ok: false, error: 'no dated line: not a dnf.rpm.log' };
  return { ok: true, upgrades, ...(lastUpgradeAt ? { lastUpgradeAt } : {}), ...(firstEntryAt ? { firstEntryAt } : {}) };
}
