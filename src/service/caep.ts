/**
 * CAEP `device-compliance-change` Security Event Tokens (RFC 8417, OpenID CAEP 1.0) from
 * the event table, and the per-receiver delivery bookkeeping of RFC 8936 poll delivery:
 * at-least-once, ack-based, persisted in the store so it survives restarts.
 */
import { SignJWT } from 'jose';
import { CAEP_DEVICE_COMPLIANCE_CHANGE } from '../shared/api.js';
import type { ServiceKeys } from './keys.js';
import type { EventRecord, Store } from './store/types.js';

/** JOSE `typ` of a SET (RFC 8417 §2.3). */
export const SET_TYP = 'secevent+jwt' as const;

/** Events scanned per poll at most; past this the poll answers `moreAvailable: true`. */
const MAX_SCAN = 10_000;
const PAGE = 500;

export type CaepStatus = 'compliant' | 'not-compliant';

const EAR_TO_CAEP: Record<string, CaepStatus> = { affirming: 'compliant', warning: 'compliant', contraindicated: 'not-compliant', none: 'not-compliant' };

/** Whether an EAR status counts as compliant (affirming and warning do); unknown statuses do not. */
export function earCompliant(ear: string): boolean {
  return EAR_TO_CAEP[ear] === 'compliant';
}

export interface ComplianceChange {
  deviceId: string;
  current: CaepStatus;
  previous?: CaepStatus;
  reason: string;
  at: number;
}

/** The CAEP view of an event, or undefined when the event is not delivered to receivers. */
export function complianceChangeOf(e: EventRecord): ComplianceChange | undefined {
  if (!e.deviceId) return undefined;
  if (e.type === 'device.revoked') return { deviceId: e.deviceId, current: 'not-compliant', reason: 'device revoked', at: e.at };
  if (e.type !== 'device.compliance-changed') return undefined;
  const data = (e.data ?? {}) as { from?: unknown; to?: unknown };
  const to = typeof data.to === 'string' ? data.to : 'none';
  const from = typeof data.from === 'string' ? data.from : 'none';
  const current = EAR_TO_CAEP[to] ?? 'not-compliant';
  const previous = EAR_TO_CAEP[from] ?? 'not-compliant';
  // affirming → warning (or none → contraindicated) is no change of CAEP compliance.
  if (current === previous) return undefined;
  return { deviceId: e.deviceId, current, previous, reason: `device posture changed from ${from} to ${to}`, at: e.at };
}

/** The SET jti of event `seq`, and back (undefined for a jti this service did not issue). */
export const setJti = (seq: number): string => `evt-${seq}`;
export function seqOfJti(jti: string): number | undefined {
  const m = /^evt-([1-9][0-9]{0,14})$/.exec(jti);
  return m ? Number(m[1]) : undefined;
}

/** Signs the SET for one compliance change, addressed to `audience` (the receiver). */
export async function signComplianceSet(keys: ServiceKeys, opts: { issuer: string; audience: string; seq: number; change: ComplianceChange; now: Date }): Promise<string> {
  const c = opts.change;
  const event: Record<string, unknown> = {
    subject: { format: 'opaque', id: c.deviceId },
    current_status: c.current,
    ...(c.previous ? { previous_status: c.previous } : {}),
    initiating_entity: 'policy',
    reason_admin: { en: c.reason },
    event_timestamp: Math.floor(c.at / 1000),
  };
  const key = keys.signing();
  return new SignJWT({ events: { [CAEP_DEVICE_COMPLIANCE_CHANGE]: event } })
    .setProtectedHeader({ alg: 'ES256', typ: SET_TYP, kid: key.kid })
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setIssuedAt(Math.floor(opts.now.getTime() / 1000))
    .setJti(setJti(opts.seq))
    .sign(key.privateKey);
}

export interface PollOutcome {
  /** Undelivered-or-unacknowledged changes, in seq order, at most `maxEvents`. */
  pending: { seq: number; change: ComplianceChange }[];
  moreAvailable: boolean;
}

/**
 * Applies `acks` (event seqs) for `receiver`, advances its cursor over the contiguous
 * prefix of acknowledged or undelivered events, and returns the next SETs to send.
 */
export async function pollReceiver(store: Store, receiver: string, acks: number[], maxEvents: number): Promise<PollOutcome> {
  const st = await store.getSetReceiver(receiver);
  const newAcks = acks.filter((s) => s > st.cursor);
  const acked = new Set([...st.acked, ...newAcks]);
  const pending: PollOutcome['pending'] = [];
  let cursor = st.cursor;
  let prefix = true;
  let moreAvailable = false;
  let after = st.cursor;
  let scanned = 0;
  scan: for (;;) {
    const page = await store.listEvents(after, PAGE);
    for (const e of page) {
      after = e.seq;
      scanned += 1;
      const change = complianceChangeOf(e);
      if (!change || acked.has(e.seq)) {
        if (prefix) cursor = e.seq;
        continue;
      }
      prefix = false;
      if (pending.length >= maxEvents) {
        moreAvailable = true;
        break scan;
      }
      pending.push({ seq: e.seq, change });
    }
    if (page.length < PAGE) break;
    if (scanned >= MAX_SCAN) {
      moreAvailable = true;
      break;
    }
  }
  if (newAcks.length > 0 || cursor > st.cursor) await store.ackSets(receiver, newAcks, cursor);
  return { pending, moreAvailable };
}
