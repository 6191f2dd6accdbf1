/** Parsers for Arch Linux: `pacman -Qu` and `/var/log/pacman.log`. */
import { earlierOf, laterOf, lines, looksLikeBinary, parseLogTimestamp, type Unrecognised } from './parse-util.js';

export interface PacmanUpdate {
  name: string;
  from: string;
  to: string;
  /** Listed in `IgnorePkg`: `pacman -Syu` will not install it. */
  ignored?: boolean;
}

export type ParsedPacmanQu = { ok: true; packages: PacmanUpdate[] } | Unrecognised;

/**
 * Parses `pacman -Qu` (against the local sync databases; pacman exits 1 and prints nothing
 * when there is nothing to upgrade):
 * ```
 * linux 6.1.4.arch1-1 -> 6.1.6.arch1-1
 * firefox 108.0.1-1 -> 108.0.2-1 [ignored]
 * ```
 * Empty text is zero updates. Returns `{ ok: false }` for `error:` or any other line. Never throws.
 */
export function parsePacmanQu(text: string): ParsedPacmanQu {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  const packages: PacmanUpdate[] = [];
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '' || /^warning:/i.test(line)) continue;
    const m = /^(\S+) (\S+) -> (\S+)( \[ignored\])?$/.exec(line);
    if (!m) return { ok: false, error: `unrecognised line: ${line.slice(0, 120)}` };
    packages.push({ name: m[1] ?? '', from: m[2] ?? '', to: m[3] ?? '', ...(m[4] ? { ignored: true } : {}) });
  }
  return { ok: true, packages };
}

export type ParsedPacmanLog = { ok: true; upgrades: number; lastUpgradeAt?: string; firstEntryAt?: string } | Unrecognised;

/**
 * Parses `/var/log/pacman.log`:
 * ```
 * [2023-01-15T10:23:45+0100] [ALPM] upgraded linux (6.1.4.arch1-1 -> 6.1.6.arch1-1)
 * [2019-03-02 11:04] [ALPM] upgraded openssl (1.1.1.a-1 -> 1.1.1.b-1)
 * ```
 * The newest `upgraded` line is the last upgrade (older logs have local time without an
 * offset). An empty file is valid. Returns `{ ok: false }` when non-empty text has no dated
 * line. Never throws.
 */
export function parsePacmanLog(text: string): ParsedPacmanLog {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  let upgrades = 0;
  let lastUpgradeAt: string | undefined;
  let firstEntryAt: string | undefined;
  let dated = 0;
  for (const raw of lines(text)) {
    const m = /^\[([^\]]+)\] \[(\w+)\] (\S+)/.exec(raw);
    if (!m) continue;
    const at = parseLogTimestamp(m[1] ?? '');
    if (!at) continue;
    dated++;
    firstEntryAt = earlierOf(firstEntryAt, at);
    if (m[2] === 'ALPM' && m[3] === 'upgraded') {
      upgrades++;
      lastUpgradeAt = laterOf(lastUpgradeAt, at);
    }
  }
  if (dated === 0 && text.trim() !== '') return { ok: false, error: 'no dated line: not a pacman log' };
  return { ok: true, upgrades, ...(lastUpgradeAt ? { lastUpgradeAt } : {}), ...(firstEntryAt ? { firstEntryAt } : {}) };
}
