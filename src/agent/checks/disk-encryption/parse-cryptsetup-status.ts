/** Parser for `cryptsetup status <mapping>` (run with LC_ALL=C). Pure: no I/O. */
import { isBinary, lines, unrecognised, type Unrecognised } from './parse-util.js';

// Encrypting device types; anything else (a new type, a line cut short, VERITY) is left out.
const CRYPTSETUP_TYPES = new Set(['LUKS1', 'LUKS2', 'PLAIN', 'LOOPAES', 'TCRYPT', 'BITLK', 'FVAULT2']);

export type ParsedCryptsetupStatus =
  | {
      ok: true;
      state: 'active';
      /** `/dev/mapper/luks-…` as cryptsetup names it. */
      mapping: string;
      /** `is active and is in use.` (mounted or held) versus `is active.` */
      inUse: boolean;
      /** `LUKS1`, `LUKS2`, `PLAIN`, `TCRYPT`, `BITLK`… */
      type?: string;
      cipher?: string;
      keySizeBits?: number;
      /** The underlying device: `/dev/sdc1`. */
      device?: string;
    }
  | { ok: true; state: 'inactive'; mapping: string }
  | { ok: true; state: 'not-found'; device: string }
  | Unrecognised;

/**
 * Parses `cryptsetup status`:
 * ```
 * /dev/mapper/dm-crypto-luks2 is active and is in use.
 *   type:    LUKS2
 *   cipher:  aes-xts-plain64
 *   keysize: 512 bits
 *   device:  /dev/sdc2
 * ```
 * also `… is inactive.` and `Device sdc3 not found`. Anything else (including the non-root
 * error) is unrecognised. Never throws.
 */
export function parseCryptsetupStatus(text: string): ParsedCryptsetupStatus {
  if (isBinary(text)) return unrecognised('output is not text');
  const ls = lines(text).filter((l) => l.trim() !== '');
  const first = ls[0]?.trim() ?? '';
  const notFound = /^Device (\S+) (?:not found|doesn't exist or access denied\.?)$/.exec(first);
  if (notFound?.[1] && ls.length === 1) return { ok: true, state: 'not-found', device: notFound[1] };
  const inactive = /^(\S+) is inactive\.$/.exec(first);
  if (inactive?.[1] && ls.length === 1) return { ok: true, state: 'inactive', mapping: inactive[1] };
  const active = /^(\S+) is active( and is in use)?\.$/.exec(first);
  if (!active?.[1]) return unrecognised(first === '' ? 'empty output' : `unrecognised first line: ${first.slice(0, 120)}`);
  const out: Extract<ParsedCryptsetupStatus, { state: 'active' }> = { ok: true, state: 'active', mapping: active[1], inUse: !!active[2] };
  for (const l of ls.slice(1)) {
    const kv = /^\s+([a-z][a-z ]*):\s*(.*?)\s*$/.exec(l);
    if (!kv) return unrecognised(`unrecognised line: ${l.slice(0, 120)}`);
    const [, key, value] = kv as unknown as [string, string, string];
    if (key === 'type' && CRYPTSETUP_TYPES.has(value)) out.type = value;
    else if (key === 'cipher' && value !== '') out.cipher = value.slice(0, 64);
    else if (key === 'keysize') {
      const bits = /^(\d{1,5}) bits$/.exec(value);
      if (bits?.[1]) out.keySizeBits = Number(bits[1]);
    } else if (key === 'device' && value !== '') out.device = value.slice(0, 512);
  }
  return out;
}
