/**
 * Follows the sequenced event table and drops changed devices from this process's cache:
 * a revocation by the admin CLI (another process on the same SQLite file) or a new
 * verdict reached through another replica (PostgreSQL) reaches the authz hot path within
 * one poll interval, without re-reading every cached device. (LISTEN/NOTIFY can later
 * wake the poll early; the table stays the source of truth, so nothing is missed.)
 */
import type { DeviceCache } from './device-cache.js';
import type { Store } from './store/types.js';

const PAGE = 1000;

export interface ChangeFeed {
  /** Reads new events now (also runs every interval). */
  poll(): Promise<void>;
  stop(): void;
}

/** Starts following events after the current end of the table. */
export async function startChangeFeed(store: Store, devices: DeviceCache, opts: { intervalMs?: number; onError?: (e: unknown) => void } = {}): Promise<ChangeFeed> {
  let lastSeq = 0;
  for (;;) {
    const page = await store.listEvents(lastSeq, PAGE);
    if (page.length === 0) break;
    lastSeq = page[page.length - 1]?.seq ?? lastSeq;
    if (page.length < PAGE) break;
  }
  let running: Promise<void> | undefined;
  const poll = (): Promise<void> => {
    running ??= (async () => {
      try {
        for (;;) {
          const page = await store.listEvents(lastSeq, PAGE);
          for (const e of page) if (e.deviceId) devices.invalidate(e.deviceId);
          if (page.length > 0) lastSeq = page[page.length - 1]?.seq ?? lastSeq;
          if (page.length < PAGE) break;
        }
      } catch (e) {
        opts.onError?.(e);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void poll(), opts.intervalMs ?? 250);
  timer.unref();
  return { poll, stop: () => clearInterval(timer) };
}
