/**
 * PostgreSQL schema migrations, mirroring the SQLite tables (same names and columns, so
 * the row mappers are shared). Times are epoch milliseconds in BIGINT; JSON is kept as
 * text, exactly as the service wrote it. Applied in order, all pending ones in one
 * transaction under an advisory lock, so replicas starting together do not race.
 */

/** The advisory lock key that serialises migrations (any constant; "postur" in ASCII). */
export const MIGRATION_LOCK_KEY = 0x706f73747572;

/** The advisory lock key held while an event is appended, so `seq` commits in order. */
export const EVENTS_LOCK_KEY = 0x706f73747573;

export const POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE devices (
     id TEXT PRIMARY KEY,
     jkt TEXT NOT NULL UNIQUE,
     public_jwk TEXT NOT NULL,
     user_name TEXT NOT NULL,
     groups_json TEXT NOT NULL,
     enrolled_at BIGINT NOT NULL,
     revoked_at BIGINT,
     platform TEXT,
     hostname TEXT
   );
   CREATE TABLE enrollment_codes (
     hash TEXT PRIMARY KEY,
     user_name TEXT NOT NULL,
     groups_json TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     used_at BIGINT,
     device_id TEXT
   );
   CREATE TABLE nonces (nonce TEXT PRIMARY KEY, expires_at BIGINT NOT NULL);
   CREATE TABLE jtis (jti TEXT PRIMARY KEY, device_id TEXT NOT NULL, expires_at BIGINT NOT NULL);
   CREATE TABLE attestations (
     id BIGSERIAL PRIMARY KEY,
     device_id TEXT NOT NULL,
     received_at BIGINT NOT NULL,
     jti TEXT NOT NULL,
     ear_status TEXT NOT NULL,
     submods_json TEXT NOT NULL,
     state_json TEXT NOT NULL
   );
   CREATE INDEX attestations_device ON attestations (device_id, received_at);
   CREATE TABLE device_state (device_id TEXT PRIMARY KEY, state_json TEXT NOT NULL, updated_at BIGINT NOT NULL);
   CREATE TABLE events (seq BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, type TEXT NOT NULL, device_id TEXT, data_json TEXT NOT NULL);
   CREATE TABLE api_keys (id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, scope TEXT NOT NULL, resources_json TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT, label TEXT);
   CREATE TABLE service_keys (kid TEXT PRIMARY KEY, private_jwk TEXT NOT NULL, public_jwk TEXT NOT NULL, created_at BIGINT NOT NULL, retired_at BIGINT);`,
  // 2: ID tokens verified per device (issue 4, MFA binding); the hash is unique across devices.
  `CREATE TABLE idp_tokens (
     hash TEXT PRIMARY KEY,
     device_id TEXT NOT NULL,
     issuer TEXT NOT NULL,
     subject TEXT NOT NULL,
     facts_json TEXT NOT NULL,
     verified_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL
   );
   CREATE INDEX idp_tokens_device ON idp_tokens (device_id, expires_at);`,
  // 3: CAEP SET delivery by RFC 8936 poll (per receiver: cursor and out-of-order acks).
  `CREATE TABLE set_receivers (receiver TEXT PRIMARY KEY, cursor_seq BIGINT NOT NULL);
   CREATE TABLE set_acks (receiver TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (receiver, seq));`,
  // 4: leases, so that one replica at a time delivers each event sink (CAEP push, OCSF).
  `CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at BIGINT NOT NULL);`,
  // 5: compact history and fresh_until (see the SQLite schema).
  `ALTER TABLE device_state ADD COLUMN submods_json TEXT;
   ALTER TABLE device_state ADD COLUMN history_digest TEXT;
   ALTER TABLE device_state ADD COLUMN history_full_at BIGINT;
   ALTER TABLE device_state ADD COLUMN fresh_until BIGINT;
   UPDATE device_state SET fresh_until = (state_json::jsonb->>'freshUntil')::bigint;
   CREATE INDEX device_state_fresh ON device_state (fresh_until);`,
  // 6: the ordered, locked, announced event append, defined once: every writer calls it (the
  // attestation function below and the store's other event writes), so seq order = commit
  // order and the NOTIFY are the same everywhere. And an attestation in one round trip (it
  // was nine statements: each a write and a read on the socket, which dominated a replica's
  // CPU). Same steps and semantics as before: the device row share-locked (a concurrent
  // revocation waits), the nonce consumed, the jti inserted once (a replay puts the nonce
  // back), the history row (the evidence only when the outcome changed or daily), the state,
  // then the events. One statement in autocommit mode is one transaction: it commits,
  // durably, before the result is returned.
  `CREATE FUNCTION posture_append_events(p_at BIGINT[], p_type TEXT[], p_dev TEXT[], p_data TEXT[], p_lock BIGINT, p_channel TEXT)
   RETURNS VOID LANGUAGE plpgsql AS $fn$
   DECLARE v_max BIGINT;
   BEGIN
     IF coalesce(array_length(p_at, 1), 0) = 0 THEN RETURN; END IF;
     -- Held until commit: a reader never sees seq N+1 committed before seq N.
     PERFORM pg_advisory_xact_lock(p_lock);
     WITH ins AS (
       INSERT INTO events (at, type, device_id, data_json)
       SELECT at, type, device_id, data_json FROM unnest(p_at, p_type, p_dev, p_data) WITH ORDINALITY AS t(at, type, device_id, data_json, ord) ORDER BY ord
       RETURNING seq)
     SELECT max(seq) INTO v_max FROM ins;
     -- Delivered at commit, never for a rolled-back transaction.
     PERFORM pg_notify(p_channel, v_max::text);
   END
   $fn$;
   CREATE FUNCTION posture_record_attestation(
     p_device TEXT, p_nonce TEXT, p_now BIGINT, p_jti TEXT, p_jti_exp BIGINT, p_ear TEXT,
     p_submods TEXT, p_summary TEXT, p_state TEXT, p_digest TEXT, p_fresh BIGINT, p_full_every BIGINT,
     p_ev_at BIGINT[], p_ev_type TEXT[], p_ev_dev TEXT[], p_ev_data TEXT[], p_lock BIGINT, p_channel TEXT
   ) RETURNS TEXT LANGUAGE plpgsql AS $fn$
   DECLARE
     v_revoked BIGINT; v_digest TEXT; v_full_at BIGINT; v_nonce_exp BIGINT; v_full BOOLEAN;
   BEGIN
     SELECT d.revoked_at, s.history_digest, s.history_full_at INTO v_revoked, v_digest, v_full_at
       FROM devices d LEFT JOIN device_state s ON s.device_id = d.id WHERE d.id = p_device FOR SHARE OF d;
     IF NOT FOUND OR v_revoked IS NOT NULL THEN RETURN 'device-revoked'; END IF;
     DELETE FROM nonces WHERE nonce = p_nonce AND expires_at > p_now RETURNING expires_at INTO v_nonce_exp;
     IF NOT FOUND THEN RETURN 'nonce-invalid'; END IF;
     INSERT INTO jtis (jti, device_id, expires_at) VALUES (p_jti, p_device, p_jti_exp) ON CONFLICT (jti) DO NOTHING;
     IF NOT FOUND THEN
       INSERT INTO nonces (nonce, expires_at) VALUES (p_nonce, v_nonce_exp);
       RETURN 'replayed';
     END IF;
     v_full := v_digest IS DISTINCT FROM p_digest OR v_full_at IS NULL OR p_now - v_full_at >= p_full_every;
     INSERT INTO attestations (device_id, received_at, jti, ear_status, submods_json, state_json)
       VALUES (p_device, p_now, p_jti, p_ear, CASE WHEN v_full THEN p_submods ELSE '' END, CASE WHEN v_full THEN p_summary ELSE '' END);
     INSERT INTO device_state (device_id, state_json, updated_at, submods_json, history_digest, history_full_at, fresh_until)
       VALUES (p_device, p_state, p_now, p_submods, p_digest, CASE WHEN v_full THEN p_now ELSE v_full_at END, p_fresh)
       ON CONFLICT (device_id) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at,
         submods_json = excluded.submods_json, history_digest = excluded.history_digest,
         history_full_at = excluded.history_full_at, fresh_until = excluded.fresh_until;
     PERFORM posture_append_events(p_ev_at, p_ev_type, p_ev_dev, p_ev_data, p_lock, p_channel);
     RETURN 'stored';
   END
   $fn$;`,
];

/** The channel on which every event append is announced (payload: the new seq). */
export const EVENTS_CHANNEL = 'posture_events';
