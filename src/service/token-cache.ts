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
/** Expired entries removed per `set` at most (amortised O(1)). */
const SWEEP_PER_SET = 64;

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

  /**
   * Remembers a verified token. Expired entries are swept from the front first: a device's
   * old token is never presented again once it has a new one, so waiting for a lookup to
   * find it expired would keep every superseded token (the soak test measured ~6 MiB/min
   * at 50 attestations/s). Entries go in roughly in expiry order (every token has the same
   * lifetime), so the sweep stops at the first live one; it is bounded per call.
   */
  set(token: string, value: CachedToken, nowMs: number): void {
    let swept = 0;
    for (const [key, e] of this.entries) {
      if (e.expMs > nowMs || swept >= SWEEP_PER_SET) break;
      this.entries.delete(key);
      swept += 1;
    }
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token.slice(-KEY_CHARS), { ...value, token });
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
