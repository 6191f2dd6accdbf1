/**
 * Follows the sequenced event table and drops changed devices from this process's cache:
 * a revocation by the admin CLI (another process on the same SQLite file) or a new
 * verdict reached through another replica (PostgreSQL) reaches the authz hot path at
 * once. The store wakes the feed when events are appended (in this process, or by any
 * replica through PostgreSQL LISTEN/NOTIFY); a poll every interval is the safety net for
 * what no notification announces (another process on a SQLite file, a dropped listener).
 * The table is the source of truth, so nothing is missed, only delayed.
 */
import type { DeviceCache } from './device-cache.js';
import type { EventRecord, Store } from './store/types.js';

const PAGE = 1000;

export interface ChangeFeed {
  /** Reads new events now (also runs on every notification and every interval). */
  poll(): Promise<void>;
  /** The last event seq this feed has read. */
  lastSeq(): number;
  /** Calls `l` with every page of new events (event sinks wake on it). Returns unsubscribe. */
  subscribe(l: (events: readonly EventRecord[]) => void): () => void;
  stop(): void;
}

/** Events that change what the authz path knows about a device. */
export function changesDevice(e: EventRecord): boolean {
  return e.deviceId !== undefined && e.type.startsWith('device.');
}

/** Starts following events after the current end of the table. */
export async function startChangeFeed(store: Store, devices: DeviceCache, opts: { intervalMs?: number; onError?: (e: unknown) => void } = {}): Promise<ChangeFeed> {
  let lastSeq = await store.lastEventSeq();
  const subscribers = new Set<(events: readonly EventRecord[]) => void>();
  let running: Promise<void> | undefined;
  let again = false;
  const poll = (): Promise<void> => {
    // A wake-up during a read may announce rows that read missed: read once more after it.
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          for (;;) {
            const page = await store.listEvents(lastSeq, PAGE);
            for (const e of page) {
              if (!changesDevice(e)) continue;
              const resultJti = (e.data as { resultJti?: unknown } | undefined)?.resultJti;
              if (typeof resultJti === 'string') devices.invalidateUnlessResult(e.deviceId as string, resultJti);
              else devices.invalidate(e.deviceId as string);
            }
            if (page.length > 0) {
              lastSeq = page[page.length - 1]?.seq ?? lastSeq;
              for (const s of subscribers) s(page);
            }
            if (page.length < PAGE) break;
          }
        } while (again);
      } catch (e) {
        opts.onError?.(e);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const unsubscribe = store.onEvents(() => void poll());
  const timer = setInterval(() => void poll(), opts.intervalMs ?? 250);
  timer.unref();
  return {
    poll,
    lastSeq: () => lastSeq,
    subscribe: (l) => {
      subscribers.add(l);
      return () => subscribers.delete(l);
    },
    stop: () => {
      clearInterval(timer);
      unsubscribe();
      subscribers.clear();
    },
  };
}
