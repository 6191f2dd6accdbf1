/** What the checks' parsers share: the result for text they do not recognise (never a guessed reading), and small readers. */

export interface Unrecognised {
  ok: false;
  error: string;
}

/** An `Unrecognised` result with a short reason (at most 300 characters). */
export function unrecognised(error: string): Unrecognised {
  return { ok: false, error: error.slice(0, 300) };
}

/** `yes`/`no` in any letter case (surrounding spaces ignored) as a boolean; anything else is undefined. */
export function yesNo(value: string | undefined): boolean | undefined {
  const v = value?.trim().toUpperCase();
  if (v === 'YES') return true;
  if (v === 'NO') return false;
  return undefined;
}
