/** Parsers for installed Windows updates: `Get-HotFix` (table or JSON) and `wmic qfe list`. */
import { isoDay, lines, looksLikeBinary, type Unrecognised } from './parse-util.js';

export interface Hotfix {
  /** `KB5022502`. */
  id: string;
  /** `Update`, `Security Update`, `Hotfix`. */
  description?: string;
  /** ISO date (`2019-05-16`); absent when the source gives none or an ambiguous one. */
  installedOn?: string;
}

export type ParsedHotfixes = { ok: true; hotfixes: Hotfix[] } | Unrecognised;

/**
 * Parses `Get-HotFix` output, either the agent's JSON
 * (`Get-HotFix | … | ConvertTo-Json`, InstalledOn as `yyyy-MM-dd` or `/Date(ms)/`) or the
 * default table:
 * ```
 * Source         Description      HotFixID      InstalledBy          InstalledOn
 * ------         -----------      --------      -----------          -----------
 * Server01       Update           KB4495590     NT AUTHORITY\SYSTEM  5/16/2019 00:00:00
 * ```
 * Table dates follow the user's culture: `d/m` versus `m/d` is decided from the whole column
 * (a day above 12 settles it); when nothing settles it the dates are left out, not guessed.
 * Returns `{ ok: false }` without a HotFixID column / JSON objects with HotFixID. Never throws.
 */
export function parseGetHotFix(text: string): ParsedHotfixes {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return parseHotfixJson(trimmed);
  return parseHotfixTable(text, 'culture');
}

/**
 * Parses `wmic qfe list [brief|full]` (often UTF-16LE; decode first):
 * ```
 * Description      FixComments  HotFixID   InstallDate  InstalledBy          InstalledOn  Name …
 * Security Update               KB4470788               NT AUTHORITY\SYSTEM  3/1/2019
 * ```
 * WMI stores InstalledOn as `M/D/YYYY` whatever the display language (or a 16-digit hex
 * FILETIME). Columns are cut at the header's positions. `No Instance(s) Available.` is an
 * empty list. Returns `{ ok: false }` without a HotFixID column. Never throws.
 */
export function parseWmicQfe(text: string): ParsedHotfixes {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  // wmic's answer for an empty class (English only; other languages stay unrecognised).
  if (/^\s*No Instance\(s\) Available\.?\s*$/.test(text)) return { ok: true, hotfixes: [] };
  return parseHotfixTable(text, 'us');
}

const DATE_LIKE = /^(\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|[0-9a-f]{16})\b/i;
const DATE_ANYWHERE = /(?<![\d./-])(\d{1,2}\/\d{1,2}\/\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})(?![\d./-])/g;

function parseHotfixTable(text: string, dates: 'us' | 'culture'): ParsedHotfixes {
  const all = lines(text);
  const h = all.findIndex((l) => /\bHotFixID\b/.test(l));
  if (h < 0) return { ok: false, error: 'no HotFixID column: not a hotfix list' };
  const header = all[h] ?? '';
  const cols = [...header.matchAll(/\S+/g)].map((m) => ({ name: m[0], start: m.index }));
  const col = (row: string, name: string): string | undefined => {
    const i = cols.findIndex((c) => c.name === name);
    if (i < 0) return undefined;
    const start = cols[i]?.start ?? 0;
    const end = cols[i + 1]?.start;
    const cell = row.slice(start, end).trim();
    return cell === '' ? undefined : cell;
  };
  const rows: { id: string; description?: string; rawDate?: string }[] = [];
  for (const row of all.slice(h + 1)) {
    if (row.trim() === '' || /^[-\s]+$/.test(row)) continue;
    const id = col(row, 'HotFixID');
    const kb = id && /^(KB\d+|Q\d+|File \d+)$/i.test(id) ? id : /\b(KB\d{5,8})\b/i.exec(row)?.[1];
    if (!kb) continue;
    const description = col(row, 'Description');
    // Cells after a non-ASCII InstalledBy can drift from the header's positions (wmic pads
    // by bytes in some code pages), so a cell that is not a date yields to the row's only date.
    let rawDate = col(row, 'InstalledOn');
    if (!rawDate || !DATE_LIKE.test(rawDate)) {
      const found = [...row.matchAll(DATE_ANYWHERE)].map((m) => m[0]);
      rawDate = found.length === 1 ? found[0] : undefined;
    }
    rows.push({ id: kb.toUpperCase(), ...(description ? { description } : {}), ...(rawDate ? { rawDate } : {}) });
  }
  const order = dates === 'us' ? 'md' : slashOrder(rows.map((r) => r.rawDate));
  return {
    ok: true,
    hotfixes: dedupe(
      rows.map((r) => {
        const installedOn = r.rawDate ? parseDate(r.rawDate, order) : undefined;
        return { id: r.id, ...(r.description ? { description: r.description } : {}), ...(installedOn ? { installedOn } : {}) };
      }),
    ),
  };
}

function parseHotfixJson(text: string): ParsedHotfixes {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, error: 'invalid JSON' };
  }
  const items = Array.isArray(data) ? data : [data];
  const hotfixes: Hotfix[] = [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    const o = item as Record<string, unknown>;
    const id = typeof o.HotFixID === 'string' ? o.HotFixID.trim() : '';
    if (!/^(KB\d+|Q\d+)$/i.test(id)) continue;
    const description = typeof o.Description === 'string' && o.Description.trim() ? o.Description.trim().slice(0, 256) : undefined;
    const installedOn = jsonDate(o.InstalledOn);
    hotfixes.push({ id: id.toUpperCase(), ...(description ? { description } : {}), ...(installedOn ? { installedOn } : {}) });
  }
  if (hotfixes.length === 0 && items.length > 0 && !(items.length === 1 && items[0] === null)) {
    return { ok: false, error: 'JSON holds no object with a HotFixID' };
  }
  return { ok: true, hotfixes: dedupe(hotfixes) };
}

/** `2019-05-16`, `2019-05-16T00:00:00`, `/Date(1557964800000)/`, or PowerShell 5.1's `{ value, DateTime }`. */
function jsonDate(v: unknown): string | undefined {
  if (typeof v === 'object' && v !== null && 'value' in v) return jsonDate((v as { value: unknown }).value);
  if (typeof v !== 'string') return undefined;
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(v);
  if (iso) return isoDay(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const ms = /^\/Date\((-?\d+)\)\/$/.exec(v);
  if (ms) {
    const d = new Date(Number(ms[1]));
    return Number.isNaN(d.getTime()) ? undefined : isoDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  }
  return undefined;
}

/** Decides `m/d` versus `d/m` for a column of slash dates; undefined when nothing settles it. */
function slashOrder(raw: readonly (string | undefined)[]): 'md' | 'dm' | undefined {
  let md = false;
  let dm = false;
  for (const r of raw) {
    const m = /^(\d{1,2})\/(\d{1,2})\/\d{4}/.exec(r ?? '');
    if (!m) continue;
    if (Number(m[1]) > 12) dm = true;
    if (Number(m[2]) > 12) md = true;
  }
  if (md === dm) return undefined;
  return md ? 'md' : 'dm';
}

function parseDate(raw: string, slash: 'md' | 'dm' | undefined): string | undefined {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})\b/.exec(raw);
  if (m) return isoDay(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})\b/.exec(raw);
  if (m) return isoDay(Number(m[3]), Number(m[2]), Number(m[1]));
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\b/.exec(raw);
  if (m && slash) return slash === 'md' ? isoDay(Number(m[3]), Number(m[1]), Number(m[2])) : isoDay(Number(m[3]), Number(m[2]), Number(m[1]));
  if (/^[0-9a-f]{16}$/i.test(raw)) {
    // FILETIME: 100 ns ticks since 1601-01-01 UTC.
    const ms = Number(BigInt(`0x${raw}`) / 10_000n) - 11_644_473_600_000;
    const d = new Date(ms);
    return Number.isNaN(d.getTime()) ? undefined : isoDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  }
  return undefined;
}

/** One entry per KB, keeping the newest install date. */
function dedupe(list: readonly Hotfix[]): Hotfix[] {
  const byId = new Map<string, Hotfix>();
  for (const h of list) {
    const prev = byId.get(h.id);
    if (!prev) byId.set(h.id, h);
    else if (h.installedOn && (!prev.installedOn || h.installedOn > prev.installedOn)) byId.set(h.id, { ...prev, ...h });
  }
  return [...byId.values()];
}
