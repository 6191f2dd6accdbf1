/**
 * Per-process cache of device records and states for the authz hot path: O(1) lookups,
 * updated in place on every write this process makes, and invalidated by
 * `invalidate(id)` (PostgreSQL replicas call it on LISTEN/NOTIFY).
 */
import type { DeviceRecord, DeviceState, Store } from './store/types.js';

export interface CachedDevice {
  device: DeviceRecord | undefined;
  state: DeviceState | undefined;
}

export class DeviceCache {
  private readonly entries = new Map<string, CachedDevice>();
  constructor(private readonly store: Store, private readonly maxEntries = 500_000) {}

  /** The device and its state, from memory or the store. */
  async get(id: string): Promise<CachedDevice> {
    const hit = this.entries.get(id);
    if (hit) return hit;
    const [device, state] = await Promise.all([this.store.getDevice(id), this.store.getDeviceState(id)]);
    const entry = { device, state };
    if (device) this.set(id, entry);
    return entry;
  }

  /** The cached entry, if any, without touching the store. */
  peek(id: string): CachedDevice | undefined {
    return this.entries.get(id);
  }

  set(id: string, entry: CachedDevice): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(id)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(id, entry);
  }

  invalidate(id: string): void {
    this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }
}
