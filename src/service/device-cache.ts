/**
 * Per-process cache of device records and states for the authz hot path: O(1) lookups,
 * updated in place on every write this process makes. Changes made elsewhere (`posture-service
 * devices revoke`, another replica) arrive through the change feed, which calls
 * `invalidate(id)`; as a safety net an entry is also re-read after `maxAgeMs` (default 30 s).
 */
import type { DeviceRecord, DeviceState, Store } from './store/types.js';

export interface CachedDevice {
  device: DeviceRecord | undefined;
  state: DeviceState | undefined;
}

interface Entry extends CachedDevice {
  loadedAt: number;
}

export interface DeviceCacheOptions {
  maxEntries?: number;
  /** How long an entry is trusted before it is read again (ms). */
  maxAgeMs?: number;
  now?: () => number;
}

export class DeviceCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(private readonly store: Store, opts: DeviceCacheOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 500_000;
    this.maxAgeMs = opts.maxAgeMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  /** The device and its state, from memory while fresh, else from the store. */
  async get(id: string): Promise<CachedDevice> {
    const hit = this.peek(id);
    if (hit) return hit;
    const [device, state] = await Promise.all([this.store.getDevice(id), this.store.getDeviceState(id)]);
    const entry = { device, state };
    if (device) this.set(id, entry);
    return entry;
  }

  /** The cached entry while it is fresh, without touching the store. */
  peek(id: string): CachedDevice | undefined {
    const hit = this.entries.get(id);
    if (!hit) return undefined;
    if (this.now() - hit.loadedAt > this.maxAgeMs) {
      this.entries.delete(id);
      return undefined;
    }
    return hit;
  }

  /** Stores what this process just wrote or read. */
  set(id: string, entry: CachedDevice): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(id)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(id, { ...entry, loadedAt: this.now() });
  }

  invalidate(id: string): void {
    this.entries.delete(id);
  }

  /**
   * Drops the entry unless it already holds the state of attestation result `resultJti`
   * (this process wrote it: the event announces nothing new here, and re-reading it would
   * cost two queries after every attestation).
   */
  invalidateUnlessResult(id: string, resultJti: string): void {
    if (this.entries.get(id)?.state?.resultJti !== resultJti) this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }
}
