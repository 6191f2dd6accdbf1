/**
 * Verified posture tokens, until they expire: an ES256 verification costs ~10x a whole
 * plain request, so the authz hot path verifies a token once. Revocation stays
 * immediate because every decision also reads the device's current state.
 *
 * Entries are keyed by the token's last 43 characters (its signature: 256 random-looking
 * bits), so a lookup hashes 43 characters instead of the whole ~1.5 KB token; a hit
 * counts only when the whole token is identical to the one that was verified.
 */
export interface CachedToken {
  deviceId: string;
  jkt: string;
  expMs: number;
}

interface Entry extends CachedToken {
  token: string;
}

const KEY_CHARS = 43;

export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly maxEntries = 200_000) {}

  get(token: string, nowMs: number): CachedToken | undefined {
    const key = token.slice(-KEY_CHARS);
    const hit = this.entries.get(key);
    if (!hit || hit.token !== token) return undefined;
    if (hit.expMs <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return hit;
  }

  set(token: string, value: CachedToken): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token.slice(-KEY_CHARS), { ...value, token });
  }

  clear(): void {
    this.entries.clear();
  }
}
