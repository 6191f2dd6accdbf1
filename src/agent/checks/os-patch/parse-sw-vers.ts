/** Parser for macOS `sw_vers`. */
import { lines, looksLikeBinary, type Unrecognised } from './parse-util.js';

export type ParsedSwVers =
  | { ok: true; productName: string; productVersion: string; buildVersion?: string; productVersionExtra?: string }
  | Unrecognised;

/**
 * Parses `sw_vers` (one or two TABs after the colon; the last line may lack a newline):
 * ```
 * ProductName:		macOS
 * ProductVersion:		15.7.1
 * BuildVersion:		24G231
 * ```
 * `ProductVersionExtra` (a Rapid Security Response such as `(a)`) is kept when present.
 * Returns `{ ok: false }` without ProductName and a numeric ProductVersion. Never throws.
 */
export function parseSwVers(text: string): ParsedSwVers {
  if (looksLikeBinary(text)) return { ok: false, error: 'output is not text' };
  const fields = new Map<string, string>();
  for (const raw of lines(text)) {
    const m = /^\s*([A-Za-z]+):\s*(.*?)\s*$/.exec(raw);
    if (m && m[2] !== '') fields.set(m[1] ?? '', m[2] ?? '');
  }
  const productName = fields.get('ProductName');
  const productVersion = fields.get('ProductVersion');
  if (!productName || !productVersion || !/^\d+(\.\d+){0,3}$/.test(productVersion)) {
    return { ok: false, error: 'no ProductName and numeric ProductVersion: not sw_vers output' };
  }
  const build = fields.get('BuildVersion');
  const extra = fields.get('ProductVersionExtra');
  return {
    ok: true,
    productName,
    productVersion,
    ...(build && /^[A-Za-z0-9]+$/.test(build) ? { buildVersion: build } : {}),
    ...(extra ? { productVersionExtra: extra.slice(0, 16) } : {}),
  };
}
