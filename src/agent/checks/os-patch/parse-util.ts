/** Small pure helpers the os-patch parsers share (no I/O). */
export type { Unrecognised } from '../parse-common.js';

/** `text` split into lines (any line ending), without a trailing empty line. */
export function lines(text: string): string[] {
  const out = text.split(/\r\n|\r|\n/);
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/** True when `y-m-d` names a real calendar day (1900..2999). */
export function isRealDay(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `YYYY-MM-DD`, or undefined for an impossible day. */
export function isoDay(y: number, m: number, d: number): string | undefined {
  return isRealDay(y, m, d) ? `${pad(y, 4)}-${pad(m)}-${pad(d)}` : undefined;
}

/**
 * `YYYY-MM-DDTHH:mm:ss` with no offset (device-local time, as Linux package logs write it),
 * or with `offset` (`Z`, `+01:00`) when the source states one. Undefined when impossible.
 */
export function isoDateTime(y: number, mo: number, d: number, h: number, mi: number, s: number, offset = ''): string | undefined {
  const day = isoDay(y, mo, d);
  if (!day || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return undefined;
  return `${day}T${pad(h)}:${pad(mi)}:${pad(s)}${offset}`;
}

/** Normalises a log's UTC offset (`Z`, `+0000`, `+00`, `+01:00`) to ISO form, or undefined. */
export function isoOffset(raw: string): string | undefined {
  if (raw === '') return '';
  if (raw === 'Z' || raw === 'z') return 'Z';
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(raw);
  if (!m) return undefined;
  return `${m[1]}${m[2]}:${m[3] ?? '00'}`;
}

/**
 * Parses an ISO-like timestamp from a log (`2026-02-14T09:30:12+0000`, `2019-07-10  16:38:08`,
 * `2023-01-15 10:23`) into {@link isoDateTime} form; undefined when it is not one.
 */
export function parseLogTimestamp(raw: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]+)(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(raw.trim());
  if (!m) return undefined;
  const offset = isoOffset(m[7] ?? '');
  if (offset === undefined) return undefined;
  return isoDateTime(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? '0'), offset);
}

/** The later of two ISO timestamps from the same source (undefined-safe). */
export function laterOf(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  // Offset-less values (device-local time) are read as local time, as the rule reads them.
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** The earlier of two ISO timestamps (undefined-safe). */
export function earlierOf(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) < Date.parse(a) ? b : a;
}

/** Cuts `s` to at most `max` characters (for schema maxLength limits). */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** True when a parser should refuse the text outright: NULs or many control characters. */
export { looksBinary as looksLikeBinary } from '../../exec/decode.js';
