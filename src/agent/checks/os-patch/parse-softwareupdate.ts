/** Parser for macOS `softwareupdate --list [--no-scan]`. */
import { clip, lines, looksLikeBinary, type Unrecognised } from './parse-util.js';

export interface MacUpdate {
  label: string;
  title: string;
  version?: string;
  recommended?: boolean;
  restart: boolean;
  /** An update of macOS itself (title starts with macOS / OS X, or a Background Security Improvement). */
  os: boolean;
  /** A beta build the Mac is enrolled to receive. */
  beta: boolean;
  /**
   * Apple ships security fixes in every release of macOS and in items it calls Security
   * Update / Security Response; those count. Betas and other items (Xcode tools, content)
   * are not classified, so they do not.
   */
  security: boolean;
}

export type ParsedSoftwareUpdate =
  | { ok: true; updates: MacUpdate[] }
  /** `scanFailed`: the tool says it could not look for updates, so pending is unknown, not zero. */
  | (Unrecognised & { scanFailed?: true });

/**
 * Parses `softwareupdate --list` (stdout and stderr together):
 * ```
 * Software Update Tool
 *
 * Finding available software
 * Software Update found the following new or updated software:
 * * Label: macOS Ventura 13.3.1-22E261
 * 	Title: macOS Ventura 13.3.1, Version: 13.3.1, Size: 868648KiB, Recommended: YES, Action: restart,
 * ```
 * `No new software available.` is zero updates. `Scan finished with error: …` (or any other
 * error line) is `{ ok: false, scanFailed: true }`: never read as "up to date". Never throws.
 */
export function parseSoftwareUpdateList(text: string): ParsedSoftwareUpdate {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  const updates: MacUpdate[] = [];
  let noneAvailable = false;
  let foundHeader = false;
  let current: MacUpdate | undefined;
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (/^(Scan finished with error|An error occurred|Error)\b/i.test(line) || /^softwareupdate: error/i.test(line)) {
      return { ok: false, scanFailed: true, error: clip(line, 400) };
    }
    if (/^No new software available\.?$/.test(line)) {
      noneAvailable = true;
      continue;
    }
    if (/^Software Update found the following new or updated software:?$/.test(line)) {
      foundHeader = true;
      continue;
    }
    const label = /^\* Label:\s*(.+)$/.exec(line);
    if (label) {
      current = { label: clip(label[1] ?? '', 256), title: clip(label[1] ?? '', 256), restart: false, os: false, beta: false, security: false };
      updates.push(current);
      classify(current);
      continue;
    }
    if (/^Title:/.test(line) && current) {
      applyTitleLine(current, line);
      classify(current);
      continue;
    }
  }
  if (foundHeader || updates.length > 0) {
    if (updates.length === 0) return { ok: false, error: 'update list header without any Label line' };
    return { ok: true, updates };
  }
  if (noneAvailable) return { ok: true, updates: [] };
  return { ok: false, error: 'neither an update list nor "No new software available."' };
}

/** `Title: X, Version: 1.0, Size: 9779KiB, Recommended: YES, Action: restart,` */
function applyTitleLine(u: MacUpdate, line: string): void {
  const body = line.replace(/^Title:\s*/, '');
  // Titles may contain commas; fields are the `Key: value` pairs after the first known key.
  const firstKey = body.search(/, (Version|Size|Recommended|Action):/);
  const title = (firstKey >= 0 ? body.slice(0, firstKey) : body.replace(/,\s*$/, '')).trim();
  if (title) u.title = clip(title, 256);
  for (const m of body.matchAll(/(Version|Recommended|Action):\s*([^,]*)/g)) {
    const v = (m[2] ?? '').trim();
    if (m[1] === 'Version' && v) u.version = clip(v, 128);
    if (m[1] === 'Recommended') u.recommended = /^YES$/i.test(v);
    if (m[1] === 'Action') u.restart = /restart/i.test(v);
  }
}

function classify(u: MacUpdate): void {
  const name = `${u.title} ${u.label}`;
  u.beta = /\bbeta\b/i.test(name);
  u.os = /^(macOS|Mac OS X|OS X)\b/i.test(u.title) || /^(macOS|Mac OS X|OS X)\b/i.test(u.label) || /Background Security Improvement|Rapid Security Response|^Security Update \d{4}-\d{3}/i.test(u.title);
  u.security = !u.beta && (u.os || /\bSecurity (Update|Response|Improvement)\b/i.test(name));
}
