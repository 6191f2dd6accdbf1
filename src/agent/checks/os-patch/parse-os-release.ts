/** Parser for `/etc/os-release` (systemd os-release(5) format). */
import { lines, looksLikeBinary, type Unrecognised } from './parse-util.js';

/** The os-release fields the check uses; an absent or empty field is left out. */
export interface OsRelease {
  ok: true;
  id?: string;
  idLike?: string[];
  name?: string;
  prettyName?: string;
  versionId?: string;
  version?: string;
  versionCodename?: string;
  buildId?: string;
  /** `SUPPORT_END` (ISO date), which some distributions (Fedora) publish themselves. */
  supportEnd?: string;
}

export type ParsedOsRelease = OsRelease | Unrecognised;

const FIELDS: Readonly<Record<string, keyof Omit<OsRelease, 'ok' | 'idLike'>>> = {
  ID: 'id',
  NAME: 'name',
  PRETTY_NAME: 'prettyName',
  VERSION_ID: 'versionId',
  VERSION: 'version',
  VERSION_CODENAME: 'versionCodename',
  BUILD_ID: 'buildId',
  SUPPORT_END: 'supportEnd',
};

/**
 * Parses os-release text:
 * ```
 * PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
 * VERSION_ID="12"
 * ID=debian
 * ID_LIKE="rhel fedora"
 * ```
 * Values may be unquoted, "double" (with `\"`, `\\`, `\$`, `` \` `` escapes) or 'single'
 * quoted. Returns `{ ok: false }` when the text has neither `ID` nor `NAME` (not os-release).
 * Never throws.
 */
export function parseOsRelease(text: string): ParsedOsRelease {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  const out: OsRelease = { ok: true };
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1] ?? '';
    const value = unquote(m[2] ?? '');
    if (value === undefined || value === '') continue;
    if (key === 'ID_LIKE') {
      const like = value.split(/\s+/).filter(Boolean).slice(0, 8).map((s) => s.slice(0, 64));
      if (like.length > 0) out.idLike = like;
      continue;
    }
    const field = FIELDS[key];
    if (field) out[field] = value;
  }
  if (out.id === undefined && out.name === undefined) return { ok: false, error: 'no ID or NAME line: not os-release text' };
  return out;
}

function unquote(v: string): string | undefined {
  if (v.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"\s*(?:#.*)?$/.exec(v);
    if (!m) return undefined;
    return (m[1] ?? '').replace(/\\(["\\$`])/g, '$1');
  }
  if (v.startsWith("'")) {
    const m = /^'([^']*)'\s*(?:#.*)?$/.exec(v);
    return m ? (m[1] ?? '') : undefined;
  }
  // Unquoted values may not contain spaces or shell specials.
  return /^[^\s"'`$\\]*$/.test(v) ? v : undefined;
}
