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
];

/** The channel on which every event append is announced (payload: the new seq). */
export const EVENTS_CHANNEL = 'posture_events';
