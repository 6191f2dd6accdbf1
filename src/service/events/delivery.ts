/**
 * At-least-once delivery of the event table to one sink (a CAEP push receiver, an OCSF
 * file or HTTP endpoint). The sink's cursor lives in the store (the same per-receiver
 * table as RFC 8936 poll delivery, under the name `sink:<kind>:<name>`), so delivery
 * resumes after a restart where the last acknowledged batch ended. With several
 * replicas, a lease in the store lets one replica at a time deliver each sink; another
 * takes over when the holder stops renewing. Failures back off exponentially with jitter;
 * the events wait in the table meanwhile (nothing is dropped).
 */
import type { EventRecord, Store } from '../store/types.js';

export interface DeliveryResult {
  /** How many leading events of the batch are done (delivered, or deliberately skipped). */
  done: number;
  /** Why the rest was not: the worker retries them after a back-off. */
  error?: Error;
}

export interface EventSink {
  /** `sink:<kind>:<name>`: the cursor and lease name. */
  readonly id: string;
  readonly batchSize: number;
  /** Delivers `events` (in seq order); done = events.length when all were accepted. */
  deliver(events: readonly EventRecord[]): Promise<DeliveryResult>;
}

export interface SinkStatus {
  id: string;
  /** Every event with seq <= cursor is done. */
  cursor: number;
  delivered: number;
  failures: number;
  lastError?: string;
  /** Whether this process holds the lease (delivers) right now. */
  leader: boolean;
}

export interface WorkerOptions {
  /** This process's identity for the lease. */
  holder: string;
  leaseMs?: number;
  /** Back-off bounds after a failure. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Idle re-check (also renews the lease), in case a wake-up was missed. */
  idleMs?: number;
  now?: () => number;
  random?: () => number;
  onDelivered?: (sinkId: string, n: number) => void;
  onFailure?: (sinkId: string, err: Error, attempt: number, retryInMs: number) => void;
}

export interface SinkWorker {
  /** New events exist: deliver soon (no-op while backing off or standing by for the lease). */
  wake(): void;
  status(): SinkStatus;
  /** Stops after the batch in flight and gives the lease up. */
  stop(): Promise<void>;
}

/** Starts delivering `sink` from its stored cursor. */
export function startSinkWorker(store: Store, sink: EventSink, opts: WorkerOptions): SinkWorker {
  const leaseMs = opts.leaseMs ?? 15_000;
  const minBackoff = opts.minBackoffMs ?? 1000;
  const maxBackoff = opts.maxBackoffMs ?? 60_000;
  const idleMs = opts.idleMs ?? Math.floor(leaseMs / 3);
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const st: SinkStatus = { id: sink.id, cursor: 0, delivered: 0, failures: 0, leader: false };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  /** A timed retry is pending (backing off, or another replica holds the lease): wake-ups wait for it. */
  let deferred = false;
  let woken = false;
  /** When this worker last took or renewed the lease (its clock). */
  let renewedAt = Number.NEGATIVE_INFINITY;

  const schedule = (ms: number): void => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      deferred = false;
      void run();
    }, ms);
    timer.unref();
  };

  /**
   * Takes or renews the lease when it is not held or a third of it has passed (not on every
   * wake-up: attestations wake the worker many times a second). The cursor is re-read only
   * when the lease may have lapsed since the last renewal, as another replica may have
   * delivered meanwhile; while it is held, only this worker moves the cursor.
   */
  const holdLease = async (): Promise<boolean> => {
    const t = now();
    if (st.leader && t - renewedAt < leaseMs / 3) return true;
    if (!(await store.acquireLease(sink.id, opts.holder, t, leaseMs))) {
      st.leader = false;
      return false;
    }
    if (!st.leader || t - renewedAt >= leaseMs) st.cursor = (await store.getSetReceiver(sink.id)).cursor;
    st.leader = true;
    renewedAt = t;
    return true;
  };

  /** Delivers until the table is drained, a failure, or the lease is lost. */
  const drain = async (): Promise<number> => {
    for (;;) {
      if (stopped) return idleMs;
      if (!(await holdLease())) {
        deferred = true;
        return Math.floor(leaseMs / 2);
      }
      woken = false;
      const events = await store.listEvents(st.cursor, sink.batchSize);
      if (events.length === 0) {
        // A wake-up that arrived during the read may announce rows it did not see.
        if (woken) continue;
        return idleMs;
      }
      let result: DeliveryResult;
      try {
        result = await sink.deliver(events);
      } catch (e) {
        result = { done: 0, error: e instanceof Error ? e : new Error(String(e)) };
      }
      const done = Math.max(0, Math.min(result.done, events.length));
      if (done > 0) {
        const last = events[done - 1] as EventRecord;
        await store.ackSets(sink.id, [], last.seq);
        st.cursor = last.seq;
        st.delivered += done;
        opts.onDelivered?.(sink.id, done);
      }
      if (done < events.length) {
        st.failures += 1;
        const err = result.error ?? new Error('the sink accepted only part of the batch');
        st.lastError = err.message.slice(0, 300);
        // Full jitter: replicas and sinks that failed together do not retry together.
        const cap = Math.min(maxBackoff, minBackoff * 2 ** Math.min(st.failures - 1, 16));
        const wait = Math.floor(minBackoff / 2 + random() * (cap - minBackoff / 2));
        opts.onFailure?.(sink.id, err, st.failures, wait);
        deferred = true;
        return wait;
      }
      st.failures = 0;
      delete st.lastError;
    }
  };

  const run = (): Promise<void> => {
    running ??= (async () => {
      let next = idleMs;
      try {
        next = await drain();
      } catch (e) {
        // The store itself failed (database down): retry later, like a sink failure.
        st.failures += 1;
        st.lastError = (e as Error).message.slice(0, 300);
        next = Math.min(maxBackoff, minBackoff * 2 ** Math.min(st.failures - 1, 16));
        opts.onFailure?.(sink.id, e as Error, st.failures, next);
        deferred = true;
      } finally {
        running = undefined;
      }
      schedule(next);
    })();
    return running;
  };

  void run();
  return {
    wake: () => {
      woken = true;
      if (!stopped && !running && !deferred) void run();
    },
    status: () => ({ ...st }),
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
      if (st.leader) await store.releaseLease(sink.id, opts.holder).catch(() => undefined);
      st.leader = false;
    },
  };
}
