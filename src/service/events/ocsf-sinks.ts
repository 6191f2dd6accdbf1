/**
 * OCSF JSON lines for SIEMs (docs/ocsf.md): to a file (appended, fsync'd before the
 * cursor moves, so a crash re-sends at most the last batch) or to an HTTP endpoint (one
 * POST of `application/x-ndjson` per batch; any 2xx accepts the whole batch). Each
 * line's `metadata.uid` is stable per event, so a SIEM can drop re-sent duplicates.
 * The file is opened per batch: log rotation by rename or copytruncate just works.
 */
import { open } from 'node:fs/promises';
import type { Store, EventRecord, DeviceRecord } from '../store/types.js';
import type { DeliveryResult, EventSink } from './delivery.js';
import { describeAnswer, postOnce } from './http-post.js';
import { toOcsf, type OcsfContext } from './ocsf.js';
import { createPseudonymizer } from './pseudonym.js';
import type { OcsfSinkConfig } from './sinks-config.js';

export interface OcsfSinkOptions {
  store: Store;
  product: OcsfContext['product'];
  pseudonymKey?: Uint8Array;
  timeoutMs?: number;
}

/** Device records for the events' context, read once per batch and kept a little while. */
function deviceLookup(store: Store): (id: string | undefined) => Promise<DeviceRecord | undefined> {
  const cache = new Map<string, { rec: DeviceRecord | undefined; at: number }>();
  return async (id) => {
    if (!id) return undefined;
    const hit = cache.get(id);
    if (hit && Date.now() - hit.at < 60_000) return hit.rec;
    const rec = await store.getDevice(id);
    if (cache.size >= 10_000) cache.clear();
    cache.set(id, { rec, at: Date.now() });
    return rec;
  };
}

/** The OCSF lines of a batch, in event order (events that map to nothing add none). */
export async function ocsfLines(events: readonly EventRecord[], opts: OcsfSinkOptions, device = deviceLookup(opts.store)): Promise<string[]> {
  const pseudonymize = opts.pseudonymKey ? createPseudonymizer(opts.pseudonymKey) : undefined;
  const lines: string[] = [];
  for (const e of events) {
    const rec = await device(e.deviceId);
    const ctx: OcsfContext = {
      product: opts.product,
      ...(rec ? { device: { id: rec.id, user: rec.user, jkt: rec.jkt, ...(rec.hostname ? { hostname: rec.hostname } : {}), ...(rec.platform ? { platform: rec.platform } : {}) } } : {}),
      ...(pseudonymize ? { pseudonymize } : {}),
    };
    for (const o of toOcsf(e, ctx)) lines.push(JSON.stringify(o));
  }
  return lines;
}

export function ocsfSink(cfg: OcsfSinkConfig, opts: OcsfSinkOptions): EventSink {
  const device = deviceLookup(opts.store);
  const id = `sink:ocsf:${cfg.name}`;
  if (cfg.kind === 'file') {
    return {
      id,
      batchSize: cfg.batchSize,
      deliver: async (events): Promise<DeliveryResult> => {
        const lines = await ocsfLines(events, opts, device);
        if (lines.length === 0) return { done: events.length };
        try {
          const fh = await open(cfg.file, 'a', 0o600);
          try {
            await fh.write(`${lines.join('\n')}\n`);
            await fh.sync();
          } finally {
            await fh.close();
          }
        } catch (e) {
          return { done: 0, error: new Error(`OCSF file ${cfg.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`) };
        }
        return { done: events.length };
      },
    };
  }
  const headers: Record<string, string> = { 'content-type': 'application/x-ndjson', ...(cfg.authorization ? { authorization: cfg.authorization } : {}) };
  return {
    id,
    batchSize: cfg.batchSize,
    deliver: async (events): Promise<DeliveryResult> => {
      const lines = await ocsfLines(events, opts, device);
      if (lines.length === 0) return { done: events.length };
      try {
        const answer = await postOnce(cfg.url, `${lines.join('\n')}\n`, headers, opts.timeoutMs);
        if (answer.status < 200 || answer.status > 299) return { done: 0, error: new Error(`OCSF sink ${cfg.name}: ${describeAnswer(answer)}`) };
      } catch (e) {
        return { done: 0, error: new Error(`OCSF sink ${cfg.name}: ${(e as Error).message}`) };
      }
      return { done: events.length };
    },
  };
}
