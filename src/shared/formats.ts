/**
 * String formats the schemas use, registered with TypeBox once (TypeBox knows none by
 * default, and an unknown format fails validation). Imported for its side effect by
 * every schema module through `check-ids.ts`.
 */
import { FormatRegistry } from '@sinclair/typebox';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/i;

/** RFC 3339 date-time with a real calendar date. */
export function isDateTime(value: string): boolean {
  return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isDateTime);
if (!FormatRegistry.Has('uri')) {
  FormatRegistry.Set('uri', (v) => {
    try {
      return new URL(v).protocol.length > 1;
    } catch {
      return false;
    }
  });
}
