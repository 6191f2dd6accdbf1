/** Parser for `gsettings get <schema> <key>` (GVariant text of one value). */
import { excerpt, lines, unrecognised, unusableText, type Unrecognised } from '../firewall/parse-util.js';

export type ParsedGsettingsValue = { ok: true; value: boolean | number } | Unrecognised;

/**
 * Parses the value `gsettings get` prints for a boolean or unsigned integer key:
 * ```
 * uint32 300
 * ```
 * or `true` / `false` / a bare `300`. Strings, arrays and anything else are unrecognised
 * (the keys this check reads are never of those types). Never throws.
 */
export function parseGsettingsValue(text: string): ParsedGsettingsValue {
  const bad = unusableText(text);
  if (bad) return bad;
  const meaningful = lines(text).map((l) => l.trim()).filter((l) => l !== '');
  if (meaningful.length !== 1) return unrecognised(`expected one value line, got ${meaningful.length}`);
  const v = meaningful[0] ?? '';
  if (v === 'true') return { ok: true, value: true };
  if (v === 'false') return { ok: true, value: false };
  const n = /^(?:u?int32 |uint64 )?(\d{1,10})$/.exec(v);
  if (n) return { ok: true, value: Number(n[1]) };
  return unrecognised(`not a boolean or integer: ${excerpt(v)}`);
}
