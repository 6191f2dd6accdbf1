/** The result every parser returns for text it does not recognise: never a guessed reading. */

export interface Unrecognised {
  ok: false;
  error: string;
}

/** An `Unrecognised` result with a short reason (at most 300 characters). */
export function unrecognised(error: string): Unrecognised {
  return { ok: false, error: error.slice(0, 300) };
}
