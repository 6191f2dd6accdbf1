/** Prepared statements and row mappers of the SQLite store. */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { JWK } from 'jose';
import type { ApiKeyRecord, AttestationOutcome, AttestationWrite, DeviceRecord, EventRecord, IdTokenRecord, ServiceKeyRecord } from './types.js';

export interface DeviceRow { id: string; jkt: string; public_jwk: string; user_name: string; groups_json: string; enrolled_at: number; revoked_at: number | null; platform: string | null; hostname: string | null }
export interface CodeRow { hash: string; user_name: string; groups_json: string; expires_at: number; used_at: number | null }
export interface EventRow { seq: number; at: number; type: string; device_id: string | null; data_json: string }
export interface ApiKeyRow { id: string; hash: string; scope: string; resources_json: string; created_at: number; revoked_at: number | null; label: string | null }
export interface IdTokenRow { hash: string; device_id: string; issuer: string; subject: string; facts_json: string; verified_at: number; expires_at: number }
export interface ServiceKeyRow { kid: string; private_jwk: string; public_jwk: string; created_at: number; retired_at: number | null }

/** Rows deleted per history purge statement, and statements per purge call (both stores). */
export const PURGE_BATCH = 2000;
export const PURGE_ROUNDS = 25;

/**
 * How far out of time order rows may be and still be purged on time (an event's `at` is taken
 * before its transaction commits; seq and id follow commit order). A row older than the
 * cutoff that sits behind a row newer than cutoff + slack goes at a later tick.
 */
export const PURGE_ORDER_SLACK_MS = 5 * 60_000;

/**
 * Statements both stores run as they are, with `?` parameters (PostgreSQL gets them through
 * `numbered`). The purges stop at the first row newer than the cutoff plus
 * `PURGE_ORDER_SLACK_MS`: seq and id are issued in time order, so the expired rows are the
 * oldest ones and the scan reads them plus a few minutes of rows, never the whole live table
 * (`at` and `received_at` have no index; without the bound every 30 s tick read the whole
 * table, on the event loop with SQLite). Parameters: cutoff + slack, cutoff, batch size.
 */
export const SHARED_SQL = {
  purgeEvents:
    'DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE seq < COALESCE((SELECT seq FROM events WHERE at >= ? ORDER BY seq LIMIT 1), 9223372036854775807) AND at < ? ORDER BY seq LIMIT ?)',
  // Each device's latest attestation stays: re-evaluation under a new policy reads it.
  purgeAttestations:
    'DELETE FROM attestations WHERE id IN (SELECT a.id FROM attestations a WHERE a.id < COALESCE((SELECT id FROM attestations WHERE received_at >= ? ORDER BY id LIMIT 1), 9223372036854775807) AND a.received_at < ? AND EXISTS (SELECT 1 FROM attestations b WHERE b.device_id = a.device_id AND b.received_at > a.received_at) ORDER BY a.id LIMIT ?)',
  listDeliveries:
    'SELECT n.name, COALESCE(r.cursor_seq, 0) AS cursor, l.holder, l.expires_at FROM (SELECT receiver AS name FROM set_receivers UNION SELECT name FROM leases) n LEFT JOIN set_receivers r ON r.receiver = n.name LEFT JOIN leases l ON l.name = n.name ORDER BY n.name',
} as const;

/** A `?`-parameter statement with PostgreSQL's `$1, $2, …` instead. */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Prepares every statement once. */
export function prepare(db: Database.Database) {
  const s = (sql: string) => db.prepare(sql);
  return {
    insertCode: s('INSERT INTO enrollment_codes (hash, user_name, groups_json, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
    getCode: s('SELECT hash, user_name, groups_json, expires_at, used_at FROM enrollment_codes WHERE hash = ?'),
    useCode: s('UPDATE enrollment_codes SET used_at = ?, device_id = ? WHERE hash = ?'),
    insertDevice: s('INSERT INTO devices (id, jkt, public_jwk, user_name, groups_json, enrolled_at, platform, hostname) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    getDevice: s('SELECT * FROM devices WHERE id = ?'),
    getDeviceByJkt: s('SELECT * FROM devices WHERE jkt = ?'),
    listDevices: s('SELECT * FROM devices ORDER BY enrolled_at'),
    revokeDevice: s('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    insertNonce: s('INSERT INTO nonces (nonce, expires_at) VALUES (?, ?)'),
    consumeNonce: s('DELETE FROM nonces WHERE nonce = ? AND expires_at > ?'),
    insertJti: s('INSERT OR IGNORE INTO jtis (jti, device_id, expires_at) VALUES (?, ?, ?)'),
    insertAttestation: s('INSERT INTO attestations (device_id, received_at, jti, ear_status, submods_json, state_json) VALUES (?, ?, ?, ?, ?, ?)'),
    upsertState: s('INSERT INTO device_state (device_id, state_json, updated_at, fresh_until) VALUES (?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at, fresh_until = excluded.fresh_until'),
    countDevices: s('SELECT COUNT(*) AS n, COALESCE(SUM(revoked_at IS NULL), 0) AS active FROM devices'),
    countFresh: s('SELECT COUNT(*) AS n FROM device_state s JOIN devices d ON d.id = s.device_id WHERE s.fresh_until > ? AND d.revoked_at IS NULL'),
    getState: s('SELECT state_json FROM device_state WHERE device_id = ?'),
    recordState: s(
      'INSERT INTO device_state (device_id, state_json, updated_at, submods_json, history_digest, history_full_at, fresh_until) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at, submods_json = excluded.submods_json, history_digest = excluded.history_digest, history_full_at = excluded.history_full_at, fresh_until = excluded.fresh_until',
    ),
    getHistoryMark: s('SELECT history_digest, history_full_at FROM device_state WHERE device_id = ?'),
    latestSubmods: s('SELECT submods_json FROM device_state WHERE device_id = ?'),
    // Databases from before migration 5 keep the evidence in the history rows only.
    latestFullSubmods: s("SELECT submods_json FROM attestations WHERE device_id = ? AND submods_json != '' ORDER BY id DESC LIMIT 1"),
    countAttestations: s('SELECT COUNT(*) AS n FROM attestations'),
    countAttestationsFor: s('SELECT COUNT(*) AS n FROM attestations WHERE device_id = ?'),
    insertEvent: s('INSERT INTO events (at, type, device_id, data_json) VALUES (?, ?, ?, ?)'),
    listEvents: s('SELECT seq, at, type, device_id, data_json FROM events WHERE seq > ? ORDER BY seq LIMIT ?'),
    lastEventSeq: s('SELECT COALESCE(MAX(seq), 0) AS seq FROM events'),
    purgeEvents: s(SHARED_SQL.purgeEvents),
    purgeAttestations: s(SHARED_SQL.purgeAttestations),
    acquireLease: s('INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at WHERE leases.holder = excluded.holder OR leases.expires_at <= ?'),
    releaseLease: s('DELETE FROM leases WHERE name = ? AND holder = ?'),
    listDeliveries: s(SHARED_SQL.listDeliveries),
    insertApiKey: s('INSERT INTO api_keys (id, hash, scope, resources_json, created_at, label) VALUES (?, ?, ?, ?, ?, ?)'),
    findApiKey: s('SELECT * FROM api_keys WHERE hash = ? AND revoked_at IS NULL'),
    listServiceKeys: s('SELECT * FROM service_keys ORDER BY created_at'),
    insertServiceKey: s('INSERT INTO service_keys (kid, private_jwk, public_jwk, created_at) VALUES (?, ?, ?, ?)'),
    retireServiceKeys: s('UPDATE service_keys SET retired_at = ? WHERE retired_at IS NULL'),
    purgeNonces: s('DELETE FROM nonces WHERE expires_at <= ?'),
    purgeJtis: s('DELETE FROM jtis WHERE expires_at <= ?'),
    purgeCodes: s('DELETE FROM enrollment_codes WHERE expires_at <= ? AND used_at IS NULL'),
    insertIdToken: s('INSERT OR IGNORE INTO idp_tokens (hash, device_id, issuer, subject, facts_json, verified_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    getIdTokenOwner: s('SELECT device_id FROM idp_tokens WHERE hash = ?'),
    findIdToken: s('SELECT * FROM idp_tokens WHERE hash = ? AND expires_at > ?'),
    purgeIdTokens: s('DELETE FROM idp_tokens WHERE expires_at <= ?'),
    getSetCursor: s('SELECT cursor_seq FROM set_receivers WHERE receiver = ?'),
    listSetAcks: s('SELECT seq FROM set_acks WHERE receiver = ? AND seq > ? ORDER BY seq'),
    upsertSetCursor: s('INSERT INTO set_receivers (receiver, cursor_seq) VALUES (?, ?) ON CONFLICT (receiver) DO UPDATE SET cursor_seq = MAX(cursor_seq, excluded.cursor_seq)'),
    insertSetAck: s('INSERT OR IGNORE INTO set_acks (receiver, seq) VALUES (?, ?)'),
    pruneSetAcks: s('DELETE FROM set_acks WHERE receiver = ? AND seq <= ?'),
  };
}

export type Statements = ReturnType<typeof prepare>;

/** One attestation inside the batch transaction; a savepoint keeps a failure local. */
export function applyAttestation(db: Database.Database, st: Statements, w: AttestationWrite): AttestationOutcome {
  const apply = db.transaction((): AttestationOutcome => {
    const device = st.getDevice.get(w.deviceId) as DeviceRow | undefined;
    if (!device || device.revoked_at !== null) return 'device-revoked';
    if (st.consumeNonce.run(w.nonce, w.receivedAt).changes !== 1) return 'nonce-invalid';
    if (st.insertJti.run(w.jti, w.deviceId, w.jtiExpiresAt).changes !== 1) {
      throw new ReplayRollback();
    }
    const h = historyRow(w, st.getHistoryMark.get(w.deviceId) as HistoryMark | undefined);
    st.insertAttestation.run(w.deviceId, w.receivedAt, w.jti, w.state.earStatus, h.historySubmods, h.historySummary);
    st.recordState.run(w.deviceId, JSON.stringify(w.state), w.receivedAt, h.submods, h.digest, h.fullAt, w.state.freshUntil);
    for (const e of w.events ?? []) st.insertEvent.run(e.at, e.type, e.deviceId ?? null, JSON.stringify(e.data ?? {}));
    return 'stored';
  });
  try {
    return apply();
  } catch (e) {
    if (e instanceof ReplayRollback) return 'replayed';
    throw e;
  }
}

/** Thrown inside a savepoint so the consumed nonce is restored when the jti was a replay. */
class ReplayRollback extends Error {}

export interface DeliveryRow { name: string; cursor: number; holder: string | null; expires_at: number | null }

export function toDelivery(r: DeliveryRow): { name: string; cursor: number; lease?: { holder: string; expiresAt: number } } {
  return { name: r.name, cursor: r.cursor, ...(r.holder !== null && r.expires_at !== null ? { lease: { holder: r.holder, expiresAt: r.expires_at } } : {}) };
}

/** A full history row at least this often per device, even when nothing changed. */
export const FULL_HISTORY_EVERY_MS = 86_400_000;

export interface HistoryMark {
  history_digest: string | null;
  history_full_at: number | null;
}

/**
 * What one attestation adds to the history (both stores). A full row — the evidence and a
 * short state summary — when the outcome (EAR status, each check's status and reasons,
 * each resource's decision) differs from the last full row's, or that row is a day old;
 * otherwise a compact row: when, which jti, the EAR status, and '' for the rest (the same
 * outcome as the full row before it). The latest state and evidence are in device_state.
 * In a steady fleet this cuts the history from ~3 KB to ~0.15 KB per attestation.
 */
export function historyRow(w: AttestationWrite, mark: HistoryMark | undefined): { submods: string; historySubmods: string; summary: string; historySummary: string; digest: string; fullAt: number } {
  const checks = Object.entries(w.state.checks).sort(([a], [b]) => a.localeCompare(b));
  const resources = Object.entries(w.state.resources).sort(([a], [b]) => a.localeCompare(b)).map(([r, v]) => [r, v.decision]);
  const outcome = [w.state.earStatus, checks.map(([id, c]) => [id, c.status, c.reasons]), resources];
  const digest = createHash('sha256').update(JSON.stringify(outcome)).digest('base64url');
  const full = !mark || mark.history_digest !== digest || mark.history_full_at === null || w.receivedAt - mark.history_full_at >= FULL_HISTORY_EVERY_MS;
  const submods = JSON.stringify(w.submods ?? null);
  const summary = JSON.stringify({ checks: Object.fromEntries(checks.map(([id, c]) => [id, c.status])), resources: Object.fromEntries(resources), freshUntil: w.state.freshUntil });
  return { submods, historySubmods: full ? submods : '', summary, historySummary: full ? summary : '', digest, fullAt: full ? w.receivedAt : (mark?.history_full_at ?? w.receivedAt) };
}

/** The data of a `device.enrolled` event (both stores). */
export function enrolledEventData(rec: DeviceRecord): Record<string, unknown> {
  return { user: rec.user, groups: rec.groups, jkt: rec.jkt, ...(rec.platform ? { platform: rec.platform } : {}), ...(rec.hostname ? { hostname: rec.hostname } : {}) };
}

export function toDevice(r: DeviceRow | undefined): DeviceRecord | undefined {
  if (!r) return undefined;
  const d: DeviceRecord = { id: r.id, jkt: r.jkt, publicJwk: JSON.parse(r.public_jwk) as JWK, user: r.user_name, groups: JSON.parse(r.groups_json) as string[], enrolledAt: r.enrolled_at };
  if (r.revoked_at !== null) d.revokedAt = r.revoked_at;
  if (r.platform !== null) d.platform = r.platform;
  if (r.hostname !== null) d.hostname = r.hostname;
  return d;
}

export function toEvent(r: EventRow): EventRecord {
  return { seq: r.seq, at: r.at, type: r.type, ...(r.device_id ? { deviceId: r.device_id } : {}), data: JSON.parse(r.data_json) as unknown };
}

export function toApiKey(r: ApiKeyRow | undefined): ApiKeyRecord | undefined {
  if (!r) return undefined;
  return { id: r.id, hash: r.hash, scope: r.scope as ApiKeyRecord['scope'], resources: JSON.parse(r.resources_json) as string[], createdAt: r.created_at, ...(r.label ? { label: r.label } : {}) };
}

export function toServiceKey(r: ServiceKeyRow): ServiceKeyRecord {
  return { kid: r.kid, privateJwk: JSON.parse(r.private_jwk) as JWK, publicJwk: JSON.parse(r.public_jwk) as JWK, createdAt: r.created_at, ...(r.retired_at !== null ? { retiredAt: r.retired_at } : {}) };
}

export function toIdToken(r: IdTokenRow | undefined): IdTokenRecord | undefined {
  if (!r) return undefined;
  return { hash: r.hash, deviceId: r.device_id, issuer: r.issuer, subject: r.subject, facts: JSON.parse(r.facts_json) as Record<string, unknown>, verifiedAt: r.verified_at, expiresAt: r.expires_at };
}
