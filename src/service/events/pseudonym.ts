/**
 * Keyed pseudonyms for user identifiers in the SIEM export (docs/ocsf.md). One key per
 * deployment: the same user always gets the same pseudonym, so a SIEM can still follow one
 * user's events, but only whoever holds the key (and a list of users) can tell who it is.
 */
import { createHmac } from 'node:crypto';

/** Bytes of the HMAC kept: 128 bits, collisions are not a practical concern. */
const KEPT_BYTES = 16;
/** A shorter key would make guessing it (and then every pseudonym) cheap. */
const MIN_KEY_BYTES = 16;

/**
 * Returns `user → 'psn_' + base64url(first 16 bytes of HMAC-SHA256(key, user))`, a 26-char
 * string. The user string is hashed as given (UTF-8), with no case folding: the service
 * stores users normalised already, and a pseudonym must not merge two distinct users.
 * The key is copied, so later changes to the caller's array do not change pseudonyms.
 *
 * @throws RangeError when the key is shorter than 16 bytes.
 */
export function createPseudonymizer(key: Uint8Array): (user: string) => string {
  if (key.length < MIN_KEY_BYTES) throw new RangeError(`a pseudonym key must hold at least ${MIN_KEY_BYTES} bytes`);
  const k = Buffer.from(key);
  return (user) => `psn_${createHmac('sha256', k).update(user, 'utf8').digest().subarray(0, KEPT_BYTES).toString('base64url')}`;
}
