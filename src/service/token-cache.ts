/**
 * Verified posture tokens, keyed by the token string, until they expire: an ES256
 * verification costs ~10x a whole plain request, so the authz hot path verifies a
 * token once. Revocation stays immediate because every decision also reads the
 * device's current state.
 */
export interface CachedToken {
  deviceId: string;
  jkt: string;
  expMs: number;
}

export class TokenCache {
  private readonly entries = new Map<string, CachedToken>();
  constructor(private readonly maxEntries = 200_000) {}

  get(token: string, nowMs: number): CachedToken | undefined {
    const hit = this.entries.get(token);
    if (!hit) return undefined;
    if (hit.expMs <= nowMs) {
      this.entries.delete(token);
      return undefined;
    }
    return hit;
  }

  set(token: string, value: CachedToken): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, value);
  }

  clear(): void {
    this.entries.clear();
  }
}
