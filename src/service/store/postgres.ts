/**
 * The PostgreSQL store, for several service replicas sharing one database (selected by
 * `DATABASE_URL`). Same semantics as the SQLite store: single-use enrolment codes and
 * nonces, jti uniqueness (a replayed jti rolls back and so restores its nonce), atomic
 * enrolment. Each attestation is its own transaction, acknowledged after COMMIT (with
 * the server's default `synchronous_commit = on`, i.e. durable). READ COMMITTED with
 * row locks suffices: the single-use checks are `DELETE … RETURNING` / `UPDATE … WHERE
 * used_at IS NULL` / `INSERT … ON CONFLICT DO NOTHING`, which wait for a concurrent
 * writer of the same row and then see its outcome.
 *
 * Events get their `seq` while an advisory transaction lock is held, so a reader of the
 * change feed never sees seq N+1 committed before seq N. The same statement NOTIFYs
 * `posture_events` (delivered at COMMIT, never for a rolled-back transaction); every
 * replica LISTENs on a dedicated connection and re-reads the table at once, so a change
 * made through one replica reaches the others' caches in milliseconds. A notification
 * is only a wake-up: the replicas still poll, so a dropped listener delays, never loses.
 */
import pg from 'pg';
import type { AttestationOutcome, DeviceRecord, DeviceState, NewEvent, Store } from './types.js';
import { EVENTS_CHANNEL, EVENTS_LOCK_KEY, MIGRATION_LOCK_KEY, POSTGRES_MIGRATIONS } from './postgres-schema.js';
import * as q from './sqlite-queries.js';

const INT8_OID = 20;

/** BIGINT (epoch ms, COUNT, BIGSERIAL) as a JS number: every value we store is far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** Aborts a transaction with an outcome (the transaction is rolled back). */
class Abort<T> {
  constructor(readonly value: T) {}
}

export interface PostgresStoreOptions {
  /** Pool size per replica (default 10). */
  max?: number;
  /** Reported for pool errors on idle clients (a dropped connection); default: ignored. */
  onError?: (err: Error) => void;
}

/** Connects to `url` (postgres:// or postgresql://), migrates the schema and returns the store. */
export async function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, types, application_name: 'posture-service' });
  // An idle client losing its connection must not crash the service; the next query reconnects.
  pool.on('error', (err) => opts.onError?.(err));
  try {
    await migrate(pool);
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }

  // Nonces need no durable commit: losing one in a crash only makes that agent ask again
  // (the same trade as the SQLite store's synchronous=NORMAL nonce connection). Their own
  // small pool commits without waiting for the WAL flush, so a challenge costs no fsync.
  const noncePool = new pg.Pool({ connectionString: url, max: 4, types, application_name: 'posture-service-nonces', options: '-c synchronous_commit=off' });
  noncePool.on('error', (err) => opts.onError?.(err));

  const one = async <R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R | undefined> => (await pool.query<R>(sql, params)).rows[0];
  const all = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> => (await pool.query<R>(sql, params)).rows;

  /** Runs `fn` in a transaction; an `Abort` thrown inside rolls back and yields its value. */
  async function tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await pool.connect();
    // A connection-level failure (no SQLSTATE) leaves the client in doubt: discard it.
    let discard: Error | undefined;
    try {
      await c.query('BEGIN');
      try {
        const result = await fn(c);
        await c.query('COMMIT');
        return result;
      } catch (e) {
        await c.query('ROLLBACK');
        if (e instanceof Abort) return e.value as T;
        throw e;
      }
    } catch (e) {
      if (!(e instanceof Error) || typeof (e as { code?: unknown }).code !== 'string') discard = e instanceof Error ? e : new Error(String(e));
      throw e;
    } finally {
      c.release(discard);
    }
  }

  /**
   * Appends events inside `c`'s transaction, as its last writes (see the header), and
   * announces them to every replica's listener.
   */
  const insertEvents = async (c: pg.PoolClient | pg.Pool, events: readonly NewEvent[]): Promise<void> => {
    if (events.length === 0) return;
    await c.query('SELECT posture_append_events($1, $2, $3, $4, $5, $6)', [...eventArrays(events), EVENTS_LOCK_KEY, EVENTS_CHANNEL]);
  };
  const listener = createEventListener(url, opts.onError);

  const store: Store = {
    kind: 'postgres',
    createEnrollmentCode: async (rec) => {
      await pool.query('INSERT INTO enrollment_codes (hash, user_name, groups_json, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [rec.hash, rec.user, JSON.stringify(rec.groups), rec.createdAt, rec.expiresAt]);
    },
    enrollDevice: (codeHash, now, device) =>
      tx(async (c): Promise<DeviceRecord | 'code-invalid' | 'key-in-use'> => {
        // Claims the code: a concurrent enrolment with the same code waits here, then finds it used.
        const code = (await c.query<{ user_name: string; groups_json: string }>(
          'UPDATE enrollment_codes SET used_at = $1, device_id = $2 WHERE hash = $3 AND used_at IS NULL AND expires_at > $1 RETURNING user_name, groups_json',
          [now, device.id, codeHash],
        )).rows[0];
        if (!code) throw new Abort('code-invalid');
        const inserted = await c.query(
          'INSERT INTO devices (id, jkt, public_jwk, user_name, groups_json, enrolled_at, platform, hostname) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (jkt) DO NOTHING',
          [device.id, device.jkt, JSON.stringify(device.publicJwk), code.user_name, code.groups_json, device.enrolledAt, device.platform ?? null, device.hostname ?? null],
        );
        if (inserted.rowCount !== 1) throw new Abort('key-in-use');
        const rec: DeviceRecord = { ...device, user: code.user_name, groups: JSON.parse(code.groups_json) as string[] };
        await insertEvents(c, [{ at: now, type: 'device.enrolled', deviceId: rec.id, data: q.enrolledEventData(rec) }]);
        return rec;
      }),
    getDevice: async (id) => q.toDevice(await one<q.DeviceRow>('SELECT * FROM devices WHERE id = $1', [id])),
    getDeviceByJkt: async (jkt) => q.toDevice(await one<q.DeviceRow>('SELECT * FROM devices WHERE jkt = $1', [jkt])),
    listDevices: async () => (await all<q.DeviceRow>('SELECT * FROM devices ORDER BY enrolled_at, id')).map((r) => q.toDevice(r) as DeviceRecord),
    revokeDevice: (id, at) =>
      tx(async (c) => {
        const changed = ((await c.query('UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])).rowCount ?? 0) > 0;
        if (changed) await insertEvents(c, [{ at, type: 'device.revoked', deviceId: id, data: {} }]);
        return changed;
      }),
    createNonce: async (nonce, expiresAt) => {
      await noncePool.query('INSERT INTO nonces (nonce, expires_at) VALUES ($1, $2)', [nonce, expiresAt]);
    },
    recordAttestation: async (w) => {
      // The whole transaction is one function call (migration 6), in autocommit mode.
      const h = q.historyRow(w, undefined);
      const ev = w.events ?? [];
      const row = await one<{ outcome: AttestationOutcome }>(
        'SELECT posture_record_attestation($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) AS outcome',
        [
          w.deviceId, w.nonce, w.receivedAt, w.jti, w.jtiExpiresAt, w.state.earStatus,
          h.submods, h.summary, JSON.stringify(w.state), h.digest, w.state.freshUntil, q.FULL_HISTORY_EVERY_MS,
          ...eventArrays(ev), EVENTS_LOCK_KEY, EVENTS_CHANNEL,
        ],
      );
      if (!row) throw new Error('posture_record_attestation returned nothing');
      return row.outcome;
    },
    getDeviceState: async (id) => {
      const row = await one<{ state_json: string }>('SELECT state_json FROM device_state WHERE device_id = $1', [id]);
      return row ? (JSON.parse(row.state_json) as DeviceState) : undefined;
    },
    saveDeviceState: async (state) => {
      await pool.query(UPSERT_STATE, [state.deviceId, JSON.stringify(state), state.updatedAt, state.freshUntil]);
    },
    latestSubmods: async (id) => {
      const latest = await one<{ submods_json: string | null }>('SELECT submods_json FROM device_state WHERE device_id = $1', [id]);
      // Databases from before migration 5 keep the evidence in the history rows only.
      const row = latest?.submods_json ? latest : await one<{ submods_json: string }>("SELECT submods_json FROM attestations WHERE device_id = $1 AND submods_json != '' ORDER BY id DESC LIMIT 1", [id]);
      return row?.submods_json ? (JSON.parse(row.submods_json) as Record<string, unknown>) : undefined;
    },
    countDevices: async (now) => {
      const all = await one<{ n: number; active: number }>('SELECT COUNT(*)::bigint AS n, COUNT(*) FILTER (WHERE revoked_at IS NULL)::bigint AS active FROM devices', []);
      const fresh = await one<{ n: number }>('SELECT COUNT(*)::bigint AS n FROM device_state s JOIN devices d ON d.id = s.device_id WHERE s.fresh_until > $1 AND d.revoked_at IS NULL', [now]);
      return { enrolled: all?.active ?? 0, revoked: (all?.n ?? 0) - (all?.active ?? 0), fresh: fresh?.n ?? 0 };
    },
    countAttestations: async (id) =>
      (id ? await one<{ n: number }>('SELECT COUNT(*) AS n FROM attestations WHERE device_id = $1', [id]) : await one<{ n: number }>('SELECT COUNT(*) AS n FROM attestations', []))?.n ?? 0,
    // One autocommit statement each: the function's lock is held until its own commit.
    appendEvent: async (type, deviceId, data, at) => {
      await insertEvents(pool, [{ at, type, ...(deviceId !== undefined ? { deviceId } : {}), data }]);
    },
    appendEvents: async (events) => insertEvents(pool, events),
    listEvents: async (afterSeq, limit) => (await all<q.EventRow>('SELECT seq, at, type, device_id, data_json FROM events WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit])).map(q.toEvent),
    lastEventSeq: async () => (await one<{ seq: number }>('SELECT COALESCE(MAX(seq), 0)::bigint AS seq FROM events', []))?.seq ?? 0,
    onEvents: (l) => listener.add(l),
    acquireLease: async (name, holder, now, ttlMs) =>
      ((await pool.query(
        'INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at WHERE leases.holder = excluded.holder OR leases.expires_at <= $4',
        [name, holder, now + ttlMs, now],
      )).rowCount ?? 0) > 0,
    releaseLease: async (name, holder) => {
      await pool.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
    },
    listDeliveries: async () => (await all<q.DeliveryRow>(q.SHARED_SQL.listDeliveries)).map(q.toDelivery),
    getSetReceiver: async (receiver) =>
      tx(async (c) => {
        const cursor = (await c.query<{ cursor_seq: number }>('SELECT cursor_seq FROM set_receivers WHERE receiver = $1', [receiver])).rows[0]?.cursor_seq ?? 0;
        const acked = (await c.query<{ seq: number }>('SELECT seq FROM set_acks WHERE receiver = $1 AND seq > $2 ORDER BY seq', [receiver, cursor])).rows.map((r) => r.seq);
        return { cursor, acked };
      }),
    ackSets: async (receiver, seqs, cursor) => {
      await tx(async (c) => {
        // The row lock serialises replicas acknowledging for the same receiver.
        const current = (await c.query<{ cursor_seq: number }>(
          'INSERT INTO set_receivers (receiver, cursor_seq) VALUES ($1, $2) ON CONFLICT (receiver) DO UPDATE SET cursor_seq = GREATEST(set_receivers.cursor_seq, excluded.cursor_seq) RETURNING cursor_seq',
          [receiver, cursor],
        )).rows[0]?.cursor_seq ?? cursor;
        const above = [...new Set(seqs)].filter((s) => s > current);
        if (above.length > 0) await c.query('INSERT INTO set_acks (receiver, seq) SELECT $1, s FROM unnest($2::bigint[]) AS s ON CONFLICT DO NOTHING', [receiver, above]);
        await c.query('DELETE FROM set_acks WHERE receiver = $1 AND seq <= $2', [receiver, current]);
      });
    },
    createApiKey: async (rec) => {
      await pool.query('INSERT INTO api_keys (id, hash, scope, resources_json, created_at, label) VALUES ($1, $2, $3, $4, $5, $6)', [rec.id, rec.hash, rec.scope, JSON.stringify(rec.resources), rec.createdAt, rec.label ?? null]);
    },
    findApiKey: async (hash) => q.toApiKey(await one<q.ApiKeyRow>('SELECT * FROM api_keys WHERE hash = $1 AND revoked_at IS NULL', [hash])),
    listServiceKeys: async () => (await all<q.ServiceKeyRow>('SELECT * FROM service_keys ORDER BY created_at, kid')).map(q.toServiceKey),
    insertServiceKey: async (rec, retireOthersAt) => {
      await tx(async (c) => {
        if (retireOthersAt !== undefined) await c.query('UPDATE service_keys SET retired_at = $1 WHERE retired_at IS NULL', [retireOthersAt]);
        await c.query('INSERT INTO service_keys (kid, private_jwk, public_jwk, created_at) VALUES ($1, $2, $3, $4)', [rec.kid, JSON.stringify(rec.privateJwk), JSON.stringify(rec.publicJwk), rec.createdAt]);
      });
    },
    rememberIdToken: async (rec) => {
      const inserted = await pool.query(
        'INSERT INTO idp_tokens (hash, device_id, issuer, subject, facts_json, verified_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (hash) DO NOTHING',
        [rec.hash, rec.deviceId, rec.issuer, rec.subject, JSON.stringify(rec.facts), rec.verifiedAt, rec.expiresAt],
      );
      if (inserted.rowCount === 1) return 'stored';
      const owner = await one<{ device_id: string }>('SELECT device_id FROM idp_tokens WHERE hash = $1', [rec.hash]);
      // Purged between the two statements: treat as known to this device only if it is this device's.
      return owner?.device_id === rec.deviceId || !owner ? 'known' : 'other-device';
    },
    findIdToken: async (hash, now) => q.toIdToken(await one<q.IdTokenRow>('SELECT * FROM idp_tokens WHERE hash = $1 AND expires_at > $2', [hash, now])),
    purgeExpired: async (now, retention = {}) => {
      await tx(async (c) => {
        await c.query('DELETE FROM idp_tokens WHERE expires_at <= $1', [now]);
        await c.query('DELETE FROM nonces WHERE expires_at <= $1', [now]);
        await c.query('DELETE FROM jtis WHERE expires_at <= $1', [now]);
        await c.query('DELETE FROM enrollment_codes WHERE expires_at <= $1 AND used_at IS NULL', [now]);
      });
      for (let i = 0; i < q.PURGE_ROUNDS; i++) {
        const e = retention.eventsBefore !== undefined ? ((await pool.query(PURGE_EVENTS, [retention.eventsBefore + q.PURGE_ORDER_SLACK_MS, retention.eventsBefore, q.PURGE_BATCH])).rowCount ?? 0) : 0;
        const a = retention.attestationsBefore !== undefined ? ((await pool.query(PURGE_ATTESTATIONS, [retention.attestationsBefore + q.PURGE_ORDER_SLACK_MS, retention.attestationsBefore, q.PURGE_BATCH])).rowCount ?? 0) : 0;
        if (e < q.PURGE_BATCH && a < q.PURGE_BATCH) break;
      }
    },
    ping: async () => (await one<{ ok: number }>('SELECT 1 AS ok', []))?.ok === 1,
    close: async () => {
      await listener.close();
      await Promise.all([pool.end(), noncePool.end()]);
    },
  };
  return store;
}

/** Events as the column arrays `posture_append_events` takes. */
function eventArrays(events: readonly NewEvent[]): [number[], string[], (string | null)[], string[]] {
  return [events.map((e) => e.at), events.map((e) => e.type), events.map((e) => e.deviceId ?? null), events.map((e) => JSON.stringify(e.data ?? {}))];
}

const PURGE_EVENTS = q.numbered(q.SHARED_SQL.purgeEvents);
const PURGE_ATTESTATIONS = q.numbered(q.SHARED_SQL.purgeAttestations);

interface EventListener {
  add(l: () => void): () => void;
  close(): Promise<void>;
}

/**
 * A dedicated connection LISTENing on the events channel, opened with the first
 * subscriber. A lost connection is reopened with backoff, and subscribers are woken on
 * reconnect (anything announced while it was down is in the table).
 */
function createEventListener(url: string, onError?: (err: Error) => void): EventListener {
  const listeners = new Set<() => void>();
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 250;
  let timer: NodeJS.Timeout | undefined;
  const wake = (): void => {
    for (const l of listeners) l();
  };
  const connect = async (): Promise<void> => {
    if (closed || client) return;
    const c = new pg.Client({ connectionString: url, types, application_name: 'posture-service-listen' });
    client = c;
    const lost = (err?: Error): void => {
      if (client !== c) return;
      client = undefined;
      c.removeAllListeners('notification');
      void c.end().catch(() => undefined);
      if (err) onError?.(err);
      if (closed) return;
      timer = setTimeout(() => void connect(), retryMs);
      timer.unref();
      retryMs = Math.min(retryMs * 2, 10_000);
    };
    c.on('error', (err) => lost(err));
    c.on('end', () => lost());
    c.on('notification', (n) => {
      if (n.channel === EVENTS_CHANNEL) wake();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${EVENTS_CHANNEL}`);
      retryMs = 250;
      wake();
    } catch (e) {
      lost(e instanceof Error ? e : new Error(String(e)));
    }
  };
  return {
    add: (l) => {
      listeners.add(l);
      void connect();
      return () => listeners.delete(l);
    },
    close: async () => {
      closed = true;
      listeners.clear();
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      if (c) await c.end().catch(() => undefined);
    },
  };
}

const UPSERT_STATE =
  'INSERT INTO device_state (device_id, state_json, updated_at, fresh_until) VALUES ($1, $2, $3, $4) ON CONFLICT (device_id) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at, fresh_until = excluded.fresh_until';

/** Applies the pending migrations in one transaction, under an advisory lock (replicas may start together). */
async function migrate(pool: pg.Pool): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await c.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = (await c.query<{ version: number }>('SELECT version FROM schema_version')).rows[0];
    const current = row?.version ?? 0;
    if (current > POSTGRES_MIGRATIONS.length) throw new Error(`the database schema (version ${current}) is newer than this service (${POSTGRES_MIGRATIONS.length}); upgrade the service`);
    for (const sql of POSTGRES_MIGRATIONS.slice(current)) await c.query(sql);
    if (!row) await c.query('INSERT INTO schema_version (version) VALUES ($1)', [POSTGRES_MIGRATIONS.length]);
    else if (current < POSTGRES_MIGRATIONS.length) await c.query('UPDATE schema_version SET version = $1', [POSTGRES_MIGRATIONS.length]);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}
