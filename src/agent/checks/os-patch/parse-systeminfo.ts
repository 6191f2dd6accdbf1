/** Parser for Windows `systeminfo` in any display language. */
import { clip, lines, looksLikeBinary, type Unrecognised } from './parse-util.js';

export type ParsedSystemInfo =
  | {
      ok: true;
      /** The OS name line's value (`Microsoft Windows 10 Enterprise`), found by position, not label. */
      osName?: string;
      /** `10.0.19045` from the OS version line. */
      osVersion?: string;
      /** KB ids in listed order, duplicates removed. */
      hotfixes: string[];
      /** Entries listed, duplicates included. */
      listed: number;
      /** The count the hotfix header states (`263 Hotfix(e) installiert.`), when it states one. */
      reportedCount?: number;
      /** The list is cut short: fewer entries than reported, or a partial last entry. */
      truncated: boolean;
    }
  | Unrecognised;

/**
 * Parses `systeminfo`. Labels are localised (`Hotfix(s):`, `Hotfix(es):`, `Исправление(я):`,
 * `修补程序:`), so sections are found by shape, not by label:
 * ```
 * OS Name:                   Microsoft Windows 10 Enterprise
 * OS Version:                10.0.19045 N/A Build 19045
 * Hotfix(s):                 1 Hotfix(s) Installed.
 *                            [01]: KB5022502
 * ```
 * The hotfix section is the top-level entry whose indented `[nn]: KB…` lines hold KB ids; its
 * header's first number is the reported count. systeminfo cuts long lists (a last line such
 * as `[24`); that is reported as `truncated`, never an error. Returns `{ ok: false }` when no
 * line looks like a Windows version or a hotfix list. Never throws.
 */
export function parseSystemInfo(text: string): ParsedSystemInfo {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  const all = lines(text);
  let osName: string | undefined;
  let osVersion: string | undefined;
  let previousValue: string | undefined;
  let sectionHeader: string | undefined;
  let hotfixHeader: string | undefined;
  const hotfixes: string[] = [];
  let listed = 0;
  let partial = false;
  for (const raw of all) {
    if (/^\S/.test(raw)) {
      // A top-level `label: value` line; labels may themselves contain a colon
      // ("Virtual Memory: Max Size:"), so the value starts after the last colon before a wide gap.
      const m = /^(.*?[:：])\s{2,}(.*)$/.exec(raw) ?? /^(.*?[:：])\s*(.*)$/.exec(raw);
      const value = (m?.[2] ?? '').trim();
      sectionHeader = value;
      const ver = /^(\d+\.\d+\.\d{3,5})\b/.exec(value);
      if (!osVersion && ver) {
        osVersion = ver[1];
        if (previousValue && /windows/i.test(previousValue)) osName = clip(previousValue.trim(), 128);
      }
      previousValue = value;
      continue;
    }
    const kb = /^\s+\[(\d+)\]:\s*(KB\d+)\s*$/i.exec(raw);
    if (kb) {
      if (hotfixHeader === undefined) hotfixHeader = sectionHeader ?? '';
      listed++;
      const id = (kb[2] ?? '').toUpperCase();
      if (!hotfixes.includes(id)) hotfixes.push(id);
      continue;
    }
    if (hotfixHeader !== undefined && sectionHeader === hotfixHeader && /^\s+\[\d*$/.test(raw)) partial = true;
  }
  if (!osVersion && listed === 0) return { ok: false, error: 'no Windows version line and no hotfix list: not systeminfo output' };
  const reported = hotfixHeader !== undefined ? /(\d+)/.exec(hotfixHeader)?.[1] : undefined;
  const reportedCount = reported !== undefined ? Number(reported) : undefined;
  return {
    ok: true,
    ...(osName ? { osName } : {}),
    ...(osVersion ? { osVersion } : {}),
    hotfixes,
    listed,
    ...(reportedCount !== undefined ? { reportedCount } : {}),
    truncated: partial || (reportedCount !== undefined && reportedCount > listed),
  };
}
