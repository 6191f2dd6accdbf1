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

/** Appends `text` to the file and fsyncs it (opened per batch: log rotation needs no signal). */
async function appendDurably(file: string, text: string): Promise<void> {
  const fh = await open(file, 'a', 0o600);
  try {
    await fh.write(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function ocsfSink(cfg: OcsfSinkConfig, opts: OcsfSinkOptions): EventSink {
  const device = deviceLookup(opts.store);
  const headers: Record<string, string> = { 'content-type': 'application/x-ndjson', ...(cfg.kind === 'http' && cfg.authorization ? { authorization: cfg.authorization } : {}) };
  /** Writes one batch; resolves with why it failed, or undefined. */
  const write = async (text: string): Promise<string | undefined> => {
    if (cfg.kind === 'file') {
      try {
        await appendDurably(cfg.file, text);
        return undefined;
      } catch (e) {
        return `OCSF file ${cfg.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      }
    }
    try {
      const answer = await postOnce(cfg.url, text, headers, opts.timeoutMs);
      return answer.status >= 200 && answer.status <= 299 ? undefined : `OCSF sink ${cfg.name}: ${describeAnswer(answer)}`;
    } catch (e) {
      return `OCSF sink ${cfg.name}: ${(e as Error).message}`;
    }
  };
  return {
    id: `sink:ocsf:${cfg.name}`,
    batchSize: cfg.batchSize,
    deliver: async (events): Promise<DeliveryResult> => {
      const lines = await ocsfLines(events, opts, device);
      if (lines.length === 0) return { done: events.length };
      const failed = await write(`${lines.join('\n')}\n`);
      return failed ? { done: 0, error: new Error(failed) } : { done: events.length };
    },
  };
}
