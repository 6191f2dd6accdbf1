/**
 * Starts one delivery worker per configured sink (CAEP push receivers, OCSF sinks) and
 * wakes them when the change feed reads new events. Delivery state is in the store, so
 * a restart resumes; leases make one replica at a time deliver each sink.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { PROJECT_NAME, PROJECT_VERSION } from '../../common/package-info.js';
import type { PostureContext } from '../app-types.js';
import type { ChangeFeed } from '../change-feed.js';
import { caepPushSink } from './caep-push.js';
import { startSinkWorker, type EventSink, type SinkStatus, type SinkWorker } from './delivery.js';
import { ocsfSink } from './ocsf-sinks.js';
import type { EventsConfig } from './sinks-config.js';

export interface EventPipeline {
  status(): SinkStatus[];
  stop(): Promise<void>;
}

export interface PipelineLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Sinks as configured (exported for tests). */
export function buildSinks(ctx: PostureContext, cfg: EventsConfig, log: PipelineLog): EventSink[] {
  const sinks: EventSink[] = cfg.caepPush.map((r) =>
    caepPushSink(r, {
      keys: ctx.keys,
      issuer: ctx.config.publicUrl,
      now: ctx.now,
      onRejected: (receiver, jti, err, description) => {
        ctx.metrics.setsRejected.inc({ sink: `caep-push:${receiver}` });
        log.error({ receiver, jti, err, description }, 'CAEP push receiver refused a SET (not retried)');
      },
    }),
  );
  for (const s of cfg.ocsf?.sinks ?? []) {
    sinks.push(
      ocsfSink(s, {
        store: ctx.store,
        product: { name: 'posture-service', version: PROJECT_VERSION, vendorName: PROJECT_NAME },
        ...(cfg.ocsf?.pseudonymKey ? { pseudonymKey: cfg.ocsf.pseudonymKey } : {}),
      }),
    );
  }
  return sinks;
}

export function startEventPipeline(ctx: PostureContext, feed: ChangeFeed, cfg: EventsConfig, log: PipelineLog): EventPipeline {
  const opts = cfg.delivery ?? {};
  const holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const label = (id: string): string => id.replace(/^sink:/, '');
  const workers: SinkWorker[] = buildSinks(ctx, cfg, log).map((sink) =>
    startSinkWorker(ctx.store, sink, {
      holder,
      ...(opts.leaseMs !== undefined ? { leaseMs: opts.leaseMs } : {}),
      ...(opts.minBackoffMs !== undefined ? { minBackoffMs: opts.minBackoffMs } : {}),
      ...(opts.maxBackoffMs !== undefined ? { maxBackoffMs: opts.maxBackoffMs } : {}),
      onDelivered: (id, n) => ctx.metrics.eventsDelivered.inc({ sink: label(id) }, n),
      onFailure: (id, err, attempt, retryInMs) => {
        ctx.metrics.eventDeliveryFailures.inc({ sink: label(id) });
        log.warn({ sink: label(id), attempt, retryInMs, err: err.message }, 'event delivery failed; retrying');
      },
    }),
  );
  const unsubscribe = feed.subscribe(() => {
    for (const w of workers) w.wake();
  });
  const lag = ctx.metrics.eventSinkLag;
  // Only the replica delivering a sink knows its cursor: the others report nothing for it
  // (their cursor would be 0 or frozen, a lag that grows for ever).
  const update = (): void => {
    for (const w of workers) {
      const st = w.status();
      if (st.leader) lag.set({ sink: label(st.id) }, Math.max(0, feed.lastSeq() - st.cursor));
      else lag.remove({ sink: label(st.id) });
    }
  };
  const timer = setInterval(update, 5000);
  timer.unref();
  return {
    status: () => workers.map((w) => w.status()),
    stop: async () => {
      clearInterval(timer);
      unsubscribe();
      await Promise.all(workers.map((w) => w.stop()));
    },
  };
}
