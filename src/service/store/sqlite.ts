/**
 * The embedded store: better-sqlite3 in WAL mode. Attestations are acknowledged only
 * after their transaction is durable; concurrent requests share one commit (group
 * commit) so durability costs one fsync per batch, not per request.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AttestationOutcome, AttestationWrite, DeviceRecord, DeviceState, Store } from './types.js';
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';
import * as q from './sqlite-queries.js';

type Db = Database.Database;

/** Rows deleted per history purge transaction, and transactions per purge call. */

interface Pending {
  write: AttestationWrite;
  resolve: (o: AttestationOutcome) => void;
  reject: (e: unknown) => void;
}

/** Opens (creating if needed) the database at `path` (`:memory:` for tests) and migrates it. */
export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db: Db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: each commit fsyncs the WAL, so an acknowledged attestation survives a crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const stmts = q.prepare(db);
  // Nonces need no fsync: losing one in a power cut only makes that agent ask again. A
  // second connection with synchronous=NORMAL keeps challenges off the durable path.
  const nonceDb: Db = path === ':memory:' ? db : new Database(path);
  if (nonceDb !== db) {
    nonceDb.pragma('synchronous = NORMAL');
    nonceDb.pragma('busy_timeout = 5000');
  }
  const insertNonce = nonceDb.prepare('INSERT INTO nonces (nonce, expires_at) VALUES (?, ?)');

  // In-process listeners of event appends (other processes on the same file are seen by polling).
  const listeners = new Set<() => void>();
  let notifyScheduled = false;
  const notify = (): void => {
    if (notifyScheduled || listeners.size === 0) return;
    notifyScheduled = true;
    // After the transaction: listeners read the committed rows.
    setImmediate(() => {
      notifyScheduled = false;
      for (const l of listeners) l();
    });
  };

  let queue: Pending[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    const batch = queue;
    queue = [];
    const outcomes: AttestationOutcome[] = [];
    try {
      db.transaction(() => {
        for (const p of batch) outcomes.push(q.applyAttestation(db, stmts, p.write));
      })();
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    batch.forEach((p, i) => p.resolve(outcomes[i] ?? 'stored'));
    if (batch.some((p, i) => outcomes[i] === 'stored' && (p.write.events?.length ?? 0) > 0)) notify();
  };

  const store: Store = {
    kind: 'sqlite',
    createEnrollmentCode: async (rec) => {
      stmts.insertCode.run(rec.hash, rec.user, JSON.stringify(rec.groups), rec.createdAt, rec.expiresAt);
    },
    enrollDevice: async (codeHash, now, device) =>
      db.transaction((): DeviceRecord | 'code-invalid' | 'key-in-use' => {
        const code = stmts.getCode.get(codeHash) as q.CodeRow | undefined;
        if (!code || code.used_at !== null || code.expires_at <= now) return 'code-invalid';
        if (stmts.getDeviceByJkt.get(device.jkt)) return 'key-in-use';
        const rec: DeviceRecord = { ...device, user: code.user_name, groups: JSON.parse(code.groups_json) as string[] };
        stmts.insertDevice.run(rec.id, rec.jkt, JSON.stringify(rec.publicJwk), rec.user, JSON.stringify(rec.groups), rec.enrolledAt, rec.platform ?? null, rec.hostname ?? null);
        stmts.useCode.run(now, rec.id, codeHash);
        stmts.insertEvent.run(now, 'device.enrolled', rec.id, JSON.stringify(q.enrolledEventData(rec)));
        notify();
        return rec;
      }).immediate(),
    getDevice: async (id) => q.toDevice(stmts.getDevice.get(id) as q.DeviceRow | undefined),
    getDeviceByJkt: async (jkt) => q.toDevice(stmts.getDeviceByJkt.get(jkt) as q.DeviceRow | undefined),
    listDevices: async () => (stmts.listDevices.all() as q.DeviceRow[]).map((r) => q.toDevice(r) as DeviceRecord),
    revokeDevice: async (id, at) =>
      db.transaction(() => {
        const changed = stmts.revokeDevice.run(at, id).changes > 0;
        if (changed) {
          stmts.insertEvent.run(at, 'device.revoked', id, '{}');
          notify();
        }
        return changed;
      })(),
    createNonce: async (nonce, expiresAt) => {
      insertNonce.run(nonce, expiresAt);
    },
    recordAttestation: (write) =>
      new Promise<AttestationOutcome>((resolve, reject) => {
        queue.push({ write, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      }),
    getDeviceState: async (id) => {
      const row = stmts.getState.get(id) as { state_json: string } | undefined;
      return row ? (JSON.parse(row.state_json) as DeviceState) : undefined;
    },
    saveDeviceState: async (state) => {
      stmts.upsertState.run(state.deviceId, JSON.stringify(state), state.updatedAt, state.freshUntil);
    },
    latestSubmods: async (id) => {
      const latest = stmts.latestSubmods.get(id) as { submods_json: string | null } | undefined;
      const row = latest?.submods_json ? latest : (stmts.latestFullSubmods.get(id) as { submods_json: string } | undefined);
      return row?.submods_json ? (JSON.parse(row.submods_json) as Record<string, unknown>) : undefined;
    },
    countDevices: async (now) => {
      const all = stmts.countDevices.get() as { n: number; active: number };
      return { enrolled: all.active, revoked: all.n - all.active, fresh: (stmts.countFresh.get(now) as { n: number }).n };
    },
    countAttestations: async (id) => (id ? (stmts.countAttestationsFor.get(id) as { n: number }).n : (stmts.countAttestations.get() as { n: number }).n),
    appendEvent: async (type, deviceId, data, at) => {
      stmts.insertEvent.run(at, type, deviceId ?? null, JSON.stringify(data ?? {}));
      notify();
    },
    appendEvents: async (events) => {
      if (events.length === 0) return;
      db.transaction(() => {
        for (const e of events) stmts.insertEvent.run(e.at, e.type, e.deviceId ?? null, JSON.stringify(e.data ?? {}));
      })();
      notify();
    },
    listEvents: async (afterSeq, limit) => (stmts.listEvents.all(afterSeq, limit) as q.EventRow[]).map(q.toEvent),
    lastEventSeq: async () => (stmts.lastEventSeq.get() as { seq: number }).seq,
    onEvents: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    acquireLease: async (name, holder, now, ttlMs) => stmts.acquireLease.run(name, holder, now + ttlMs, now).changes > 0,
    releaseLease: async (name, holder) => {
      stmts.releaseLease.run(name, holder);
    },
    listDeliveries: async () => (stmts.listDeliveries.all() as q.DeliveryRow[]).map(q.toDelivery),
    getSetReceiver: async (receiver) =>
      db.transaction(() => {
        const cursor = (stmts.getSetCursor.get(receiver) as { cursor_seq: number } | undefined)?.cursor_seq ?? 0;
        return { cursor, acked: (stmts.listSetAcks.all(receiver, cursor) as { seq: number }[]).map((r) => r.seq) };
      })(),
    ackSets: async (receiver, seqs, cursor) => {
      db.transaction(() => {
        stmts.upsertSetCursor.run(receiver, cursor);
        const current = (stmts.getSetCursor.get(receiver) as { cursor_seq: number }).cursor_seq;
        for (const seq of seqs) if (seq > current) stmts.insertSetAck.run(receiver, seq);
        stmts.pruneSetAcks.run(receiver, current);
      }).immediate();
    },
    createApiKey: async (rec) => {
      stmts.insertApiKey.run(rec.id, rec.hash, rec.scope, JSON.stringify(rec.resources), rec.createdAt, rec.label ?? null);
    },
    findApiKey: async (hash) => q.toApiKey(stmts.findApiKey.get(hash) as q.ApiKeyRow | undefined),
    listServiceKeys: async () => (stmts.listServiceKeys.all() as q.ServiceKeyRow[]).map(q.toServiceKey),
    insertServiceKey: async (rec, retireOthersAt) => {
      db.transaction(() => {
        if (retireOthersAt !== undefined) stmts.retireServiceKeys.run(retireOthersAt);
        stmts.insertServiceKey.run(rec.kid, JSON.stringify(rec.privateJwk), JSON.stringify(rec.publicJwk), rec.createdAt);
      })();
    },
    rememberIdToken: async (rec) =>
      db.transaction((): 'stored' | 'known' | 'other-device' => {
        const owner = stmts.getIdTokenOwner.get(rec.hash) as { device_id: string } | undefined;
        if (owner) return owner.device_id === rec.deviceId ? 'known' : 'other-device';
        stmts.insertIdToken.run(rec.hash, rec.deviceId, rec.issuer, rec.subject, JSON.stringify(rec.facts), rec.verifiedAt, rec.expiresAt);
        return 'stored';
      }).immediate(),
    findIdToken: async (hash, now) => q.toIdToken(stmts.findIdToken.get(hash, now) as q.IdTokenRow | undefined),
    purgeExpired: async (now, retention = {}) => {
      db.transaction(() => {
        stmts.purgeIdTokens.run(now);
        stmts.purgeNonces.run(now);
        stmts.purgeJtis.run(now);
        stmts.purgeCodes.run(now);
      })();
      // History goes in small transactions so attestations are never held up for long.
      for (let i = 0; i < q.PURGE_ROUNDS; i++) {
        const e = retention.eventsBefore !== undefined ? stmts.purgeEvents.run(retention.eventsBefore + q.PURGE_ORDER_SLACK_MS, retention.eventsBefore, q.PURGE_BATCH).changes : 0;
        const a = retention.attestationsBefore !== undefined ? stmts.purgeAttestations.run(retention.attestationsBefore + q.PURGE_ORDER_SLACK_MS, retention.attestationsBefore, q.PURGE_BATCH).changes : 0;
        if (e < q.PURGE_BATCH && a < q.PURGE_BATCH) break;
        await new Promise((r) => setImmediate(r));
      }
    },
    ping: async () => (db.prepare('SELECT 1 AS ok').get() as { ok: number }).ok === 1,
    close: async () => {
      listeners.clear();
      if (queue.length > 0) flush();
      if (nonceDb !== db) nonceDb.close();
      db.close();
    },
  };
  return store;
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  const current = row?.version ?? 0;
  SQLITE_MIGRATIONS.slice(current).forEach((sql, i) => {
    db.transaction(() => {
      db.exec(sql);
      if (current + i === 0 && !row) db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(1);
      else db.prepare('UPDATE schema_version SET version = ?').run(current + i + 1);
    })();
  });
}
