/**
 * Authz denies become `authz.denied` events without putting a database write on the
 * forward-auth hot path: denies are counted in memory and written once a second, one
 * event per (resource, device, problem) with a count and the first/last time. The
 * number of distinct keys per second is capped, so a flood of bad requests cannot turn
 * into a flood of writes; what is over the cap is counted (metric, log), not stored.
 */
import type { NewEvent, Store } from '../store/types.js';

export interface DenyRecord {
  resource: string;
  status: number;
  problem: string;
  reasons?: readonly string[];
  deviceId?: string;
  method?: string;
  host?: string;
  uri?: string;
  clientIp?: string;
  at: number;
}

interface Pending {
  deviceId?: string;
  data: {
    resource: string;
    status: number;
    problem: string;
    reasons: string[];
    count: number;
    firstAt: number;
    lastAt: number;
    method?: string;
    host?: string;
    uri?: string;
    clientIp?: string;
  };
}

export interface DenyRecorder {
  record(d: DenyRecord): void;
  /** Writes what is pending now (also runs every interval and on close). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const clip = (s: string | undefined, n: number): string | undefined => (s === undefined ? undefined : s.slice(0, n));

export function createDenyRecorder(store: Store, opts: { intervalMs?: number; maxKeys?: number; onDropped?: (n: number) => void; onError?: (e: unknown) => void } = {}): DenyRecorder {
  const maxKeys = opts.maxKeys ?? 1000;
  let pending = new Map<string, Pending>();
  let dropped = 0;
  let flushing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    const batch = pending;
    const lost = dropped;
    pending = new Map();
    dropped = 0;
    if (lost > 0) opts.onDropped?.(lost);
    if (batch.size === 0) return flushing;
    const events: NewEvent[] = [...batch.values()].map((p) => ({ type: 'authz.denied', ...(p.deviceId ? { deviceId: p.deviceId } : {}), at: p.data.firstAt, data: p.data }));
    flushing = flushing.then(() => store.appendEvents(events)).catch((e: unknown) => opts.onError?.(e));
    return flushing;
  };
  const timer = setInterval(() => void flush(), opts.intervalMs ?? 1000);
  timer.unref();

  return {
    record: (d) => {
      const key = `${d.resource}\u0000${d.deviceId ?? ''}\u0000${d.problem}`;
      const hit = pending.get(key);
      if (hit) {
        hit.data.count += 1;
        hit.data.lastAt = d.at;
        return;
      }
      if (pending.size >= maxKeys) {
        dropped += 1;
        return;
      }
      const method = clip(d.method, 16);
      const host = clip(d.host, 255);
      // The path only: a query string may carry credentials or personal data, and these
      // events go to SIEMs.
      const uri = clip(d.uri?.split(/[?#]/, 1)[0], 1024);
      const clientIp = clip(d.clientIp, 64);
      pending.set(key, {
        ...(d.deviceId ? { deviceId: d.deviceId } : {}),
        data: {
          resource: d.resource,
          status: d.status,
          problem: d.problem,
          reasons: (d.reasons ?? []).slice(0, 16).map((r) => r.slice(0, 128)),
          count: 1,
          firstAt: d.at,
          lastAt: d.at,
          ...(method ? { method } : {}),
          ...(host ? { host } : {}),
          ...(uri ? { uri } : {}),
          ...(clientIp ? { clientIp } : {}),
        },
      });
    },
    flush,
    close: async () => {
      clearInterval(timer);
      await flush();
    },
  };
}
