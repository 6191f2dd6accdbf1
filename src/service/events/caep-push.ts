/**
 * CAEP `device-compliance-change` SETs pushed to a receiver (RFC 8935): one SET per
 * POST, `Content-Type: application/secevent+jwt`; `202 Accepted` means the receiver has
 * it. A `400` with an RFC 8935 error body means the receiver refuses THAT SET (it would
 * refuse it again): it is logged and counted, and delivery moves on — except
 * `authentication_failed` / `access_denied`, which say our credentials are wrong and hold
 * for every SET, so those are retried (with back-off) until an operator fixes them, like
 * any other status or network failure. The SET `jti` (`evt-<seq>`) is stable across
 * retries, so a receiver can drop duplicates.
 */
import { complianceChangeOf, setJti, signComplianceSet } from '../caep.js';
import type { ServiceKeys } from '../keys.js';
import type { EventRecord } from '../store/types.js';
import type { DeliveryResult, EventSink } from './delivery.js';
import { describeAnswer, postOnce } from './http-post.js';
import type { CaepPushReceiver } from './sinks-config.js';

/** RFC 8935 §2.3 error codes that concern the transmitter's credentials, not the SET. */
const CREDENTIAL_ERRORS = new Set(['authentication_failed', 'access_denied']);

export interface CaepPushOptions {
  keys: ServiceKeys;
  issuer: string;
  now: () => Date;
  timeoutMs?: number;
  /** A SET the receiver refused (400): logged by the caller. */
  onRejected?: (receiver: string, jti: string, err: string, description: string) => void;
}

/** The RFC 8935 error of a 400 answer, if it has the documented shape. */
function setError(body: string): { err: string; description: string } | undefined {
  try {
    const v = JSON.parse(body) as unknown;
    if (v && typeof v === 'object' && typeof (v as { err?: unknown }).err === 'string') {
      const d = (v as { description?: unknown }).description;
      return { err: (v as { err: string }).err.slice(0, 64), description: typeof d === 'string' ? d.slice(0, 300) : '' };
    }
  } catch {
    // not JSON: not an RFC 8935 error
  }
  return undefined;
}

export function caepPushSink(receiver: CaepPushReceiver, opts: CaepPushOptions): EventSink {
  const headers: Record<string, string> = {
    'content-type': 'application/secevent+jwt',
    accept: 'application/json',
    ...(receiver.authorization ? { authorization: receiver.authorization } : {}),
  };
  return {
    id: `sink:caep-push:${receiver.name}`,
    batchSize: 100,
    deliver: async (events: readonly EventRecord[]): Promise<DeliveryResult> => {
      let done = 0;
      for (const e of events) {
        const change = complianceChangeOf(e);
        if (change) {
          const set = await signComplianceSet(opts.keys, { issuer: opts.issuer, audience: receiver.audience, seq: e.seq, change, now: opts.now() });
          let answer;
          try {
            answer = await postOnce(receiver.endpoint, set, headers, opts.timeoutMs);
          } catch (err) {
            return { done, error: new Error(`CAEP push to ${receiver.name} failed: ${(err as Error).message}`) };
          }
          if (answer.status === 400) {
            const refusal = setError(answer.body);
            if (!refusal || CREDENTIAL_ERRORS.has(refusal.err)) return { done, error: new Error(`CAEP push to ${receiver.name}: ${describeAnswer(answer)}`) };
            opts.onRejected?.(receiver.name, setJti(e.seq), refusal.err, refusal.description);
          } else if (answer.status !== 202 && answer.status !== 200 && answer.status !== 204) {
            // 202 is the RFC's answer; 200/204 are accepted from lenient receivers.
            return { done, error: new Error(`CAEP push to ${receiver.name}: ${describeAnswer(answer)}`) };
          }
        }
        done += 1;
      }
      return { done };
    },
  };
}
