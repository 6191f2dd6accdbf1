/** Parser for macOS `/Library/Receipts/InstallHistory.plist` (XML property list, no library). */
import { clip, lines, looksLikeBinary, type Unrecognised } from './parse-util.js';

export interface InstallRecord {
  /** ISO 8601 UTC, as the plist stores it. */
  date: string;
  displayName: string;
  displayVersion?: string;
  processName?: string;
  /** `config-data` for background security data (XProtect, Gatekeeper lists). */
  contentType?: string;
  /** Installed by Software Update or a macOS installer (not a user's own package). */
  system: boolean;
}

export type ParsedInstallHistory =
  | {
      ok: true;
      /** Newest first. */
      records: InstallRecord[];
      /** Newest system update that is not `config-data` (XProtect data arrives on its own and says nothing about patching). */
      lastSystemUpdateAt?: string;
      firstEntryAt?: string;
    }
  | Unrecognised;

/**
 * Parses the install history plist:
 * ```
 * <dict>
 * 	<key>date</key>
 * 	<date>2013-11-12T02:59:35Z</date>
 * 	<key>displayName</key>
 * 	<string>OS X</string>
 * 	<key>displayVersion</key>
 * 	<string>10.9 (13A603)</string>
 * 	<key>processName</key>
 * 	<string>OS X Installer</string>
 * </dict>
 * ```
 * An entry counts as a system update when `processName` is `softwareupdated`, `Software
 * Update` or a macOS/OS X installer. A binary plist (`bplist00`) or text without a plist
 * root is `{ ok: false }`. Never throws.
 */
export function parseInstallHistory(text: string): ParsedInstallHistory {
  if (text.startsWith('bplist')) return { ok: false, error: 'binary property list: not readable as XML' };
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  if (!/<plist\b/.test(text) || !/<array\s*\/?>/.test(text)) return { ok: false, error: 'no <plist> with an <array>: not an install history' };
  const records: InstallRecord[] = [];
  // Linear split (no backtracking regex over a file that may be megabytes long).
  const chunks = text.split('</dict>');
  chunks.pop();
  for (const chunk of chunks) {
    const open = chunk.lastIndexOf('<dict>');
    if (open < 0) continue;
    const fields = dictStrings(chunk.slice(open + 6));
    const date = fields.get('date');
    const displayName = fields.get('displayName');
    if (!date || !displayName || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(date) || Number.isNaN(Date.parse(date))) continue;
    const processName = fields.get('processName');
    const rec: InstallRecord = { date, displayName: clip(displayName, 256), system: isSystemProcess(processName) };
    const version = fields.get('displayVersion');
    if (version) rec.displayVersion = clip(version, 128);
    if (processName) rec.processName = clip(processName, 128);
    const contentType = fields.get('contentType');
    if (contentType) rec.contentType = clip(contentType, 64);
    records.push(rec);
  }
  const hasDicts = /<dict>/.test(text);
  if (hasDicts && records.length === 0) return { ok: false, error: 'no entry with a date and displayName' };
  // ISO UTC strings of one shape sort correctly as text.
  records.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  const systemDates = records.filter((r) => r.system && r.contentType !== 'config-data').map((r) => r.date);
  const last = records[records.length - 1];
  return {
    ok: true,
    records,
    ...(systemDates[0] ? { lastSystemUpdateAt: systemDates[0] } : {}),
    ...(last ? { firstEntryAt: last.date } : {}),
  };
}

function isSystemProcess(name: string | undefined): boolean {
  if (!name) return false;
  return name === 'softwareupdated' || name === 'Software Update' || /^(macOS|OS X|Mac OS X) Installer$/.test(name) || /^Install macOS/.test(name);
}

/** The `<key>k</key><string|date>v</…>` pairs directly inside one dict (arrays are skipped). */
function dictStrings(body: string): Map<string, string> {
  const out = new Map<string, string>();
  const flat = lines(body.replace(/<array>[\s\S]*?<\/array>|<array\s*\/>/g, '')).join('\n');
  for (const m of flat.matchAll(/<key>([^<]*)<\/key>\s*<(string|date|integer)>([^<]*)<\/\2>/g)) {
    out.set(xmlText(m[1] ?? ''), xmlText(m[3] ?? '').trim());
  }
  return out;
}

function xmlText(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (all, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()] ?? all;
    const code = e.startsWith('#x') || e.startsWith('#X') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
  });
}
