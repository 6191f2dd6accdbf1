/** Durations as policy authors write them (`30s`, `15m`, `12h`, `7d`) and dates as people read them. */

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^([1-9][0-9]{0,6})([smhd])$/;
/** Longer than this is no longer "continuous" verification: a policy typo, not a choice. */
export const MAX_DURATION_MS = 30 * UNIT_MS.d;

/**
 * Milliseconds in `text`, or undefined when it is not one positive whole number
 * followed by `s`, `m`, `h` or `d`, or when it is longer than 30 days.
 */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return ms <= MAX_DURATION_MS ? ms : undefined;
}

/** `900000` → `15 minutes`; whole units only, largest first. */
export function describeDuration(ms: number): string {
  const units: [number, string][] = [
    [UNIT_MS.d, 'day'],
    [UNIT_MS.h, 'hour'],
    [UNIT_MS.m, 'minute'],
    [UNIT_MS.s, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * The instant a `warn-until` date means: `YYYY-MM-DD` is midnight UTC that day, an
 * RFC 3339 date-time is itself. Undefined for anything else, including dates that
 * do not exist (`2026-02-30`), which `Date.parse` would silently roll over.
 */
export function parseUntil(text: string): Date | undefined {
  const d = DATE_ONLY.exec(text);
  if (d) {
    const [y, mo, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
    const date = new Date(Date.UTC(y, mo - 1, day));
    const real = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === day;
    return real ? date : undefined;
  }
  if (!DATE_TIME.test(text)) return undefined;
  const [y, mo, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const check = new Date(Date.UTC(y, mo - 1, day));
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== day) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `1 Dec 2026` (UTC): unambiguous for readers on both sides of the Atlantic. */
export function formatDay(date: Date): string {
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}
