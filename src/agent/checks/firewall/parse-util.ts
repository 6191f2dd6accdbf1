/**
 * Small pure helpers the firewall, screen-lock, mdm and mfa parsers share (no I/O).
 * They live here, not in a shared folder, because only these four checks use them.
 */
import { unrecognised, type Unrecognised } from '../parse-common.js';
export { unrecognised, yesNo, type Unrecognised } from '../parse-common.js';
import { looksBinary } from '../../exec/decode.js';

/** `text` split into lines (any line ending), without a trailing empty line. */
export function lines(text: string): string[] {
  const out = text.split(/\r\n|\r|\n/);
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * Why `text` cannot be parsed at all (binary bytes or nothing but whitespace), or
 * undefined when a parser should look at it.
 */
export function unusableText(text: string): Unrecognised | undefined {
  if (looksBinary(text)) return unrecognised('output is not text');
  if (text.trim() === '') return unrecognised('empty output');
  return undefined;
}

/** The JSON value in `text`, or why it cannot be read (binary, empty, not JSON). Never throws. */
export function parseJsonText(text: string): { ok: true; value: unknown } | Unrecognised {
  const bad = unusableText(text);
  if (bad) return bad;
  try {
    return { ok: true, value: JSON.parse(text.trim()) as unknown };
  } catch {
    return unrecognised('not JSON');
  }
}

/** A short, printable excerpt of a line for error messages. */
export function excerpt(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/[\u0000-\u001f\u007f]/g, '?').trim().slice(0, 120);
}

/** `table[key]` only for the table's own keys: `constructor` or `__proto__` in hostile text find nothing. */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
