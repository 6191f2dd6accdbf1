/** Parser for Alpine's `apk version -l '<'`. */
import { lines, looksLikeBinary, type Unrecognised } from './parse-util.js';

export interface ApkUpdate {
  name: string;
  installed: string;
  available: string;
}

export type ParsedApkVersion = { ok: true; packages: ApkUpdate[] } | Unrecognised;

/**
 * Parses `apk version -l '<'` (installed packages older than the local index):
 * ```
 * Installed:                                Available:
 * busybox-1.34.1-r3                       < 1.34.1-r5
 * ```
 * Only `<` rows count. Returns `{ ok: false }` for `ERROR:` or an unrecognised line. Never throws.
 */
export function parseApkVersion(text: string): ParsedApkVersion {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  const packages: ApkUpdate[] = [];
  let sawHeader = false;
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '' || /^WARNING:/.test(line)) continue;
    if (/^Installed:\s+Available:$/.test(line)) {
      sawHeader = true;
      continue;
    }
    if (/^ERROR:/.test(line)) return { ok: false, error: `apk reported an error: ${line.slice(0, 200)}` };
    const m = /^(\S+)-(\d\S*-r\d+)\s+([<>=~?])\s*(\S+)?(?:\s+\S+)?$/.exec(line);
    if (!m) return { ok: false, error: `unrecognised line: ${line.slice(0, 120)}` };
    if (m[3] === '<' && m[4]) packages.push({ name: m[1] ?? '', installed: m[2] ?? '', available: m[4] });
  }
  if (!sawHeader && packages.length === 0 && text.trim() !== '') return { ok: false, error: 'no "Installed: Available:" header' };
  return { ok: true, packages };
}
