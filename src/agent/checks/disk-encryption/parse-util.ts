/** Small text helpers the disk-encryption parsers share. Pure: no I/O. */
export { unrecognised, type Unrecognised } from '../parse-common.js';
import { looksBinary } from '../../exec/decode.js';

/** Lines of `text` (LF or CRLF), without line ends. */
export function lines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** True when `text` is not something a command-line tool prints (NULs, control bytes). */
export function isBinary(text: string): boolean {
  return looksBinary(text);
}

/**
 * A label or value reduced to lower-case ASCII letters and digits. Localised Windows tools
 * print umlauts in an OEM code page we may decode wrongly (`ü` becomes `\u0081` or `Ã¼`);
 * dropping every non-ASCII character makes `Verschlüsselt (Prozent)` and its mis-decoded
 * forms compare equal (`verschlsseltprozent`) without ever mapping one word onto another.
 */
export function asciiKey(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** A percentage such as `100,0%`, `3,5 %`, `42.5` or `100`; undefined unless 0..100. */
export function parsePercent(s: string): number | undefined {
  const m = /^\s*(\d{1,3}(?:[.,]\d+)?)\s*%?\s*$/.exec(s);
  if (!m?.[1]) return undefined;
  const n = Number(m[1].replace(',', '.'));
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : undefined;
}
