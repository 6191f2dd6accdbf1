/** SQLite schema migrations, applied in order inside one transaction each. */

export const SQLITE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE devices (
     id TEXT PRIMARY KEY,
     jkt TEXT NOT NULL UNIQUE,
     public_jwk TEXT NOT NULL,
     user_name TEXT NOT NULL,
     groups_json TEXT NOT NULL,
     enrolled_at INTEGER NOT NULL,
     revoked_at INTEGER,
     platform TEXT,
     hostname TEXT
   ) STRICT;
   CREATE TABLE enrollment_codes (
     hash TEXT PRIMARY KEY,
     user_name TEXT NOT NULL,
     groups_json TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     used_at INTEGER,
     device_id TEXT
   ) STRICT;
   CREATE TABLE nonces (nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) STRICT;
   CREATE TABLE jtis (jti TEXT PRIMARY KEY, device_id TEXT NOT NULL, expires_at INTEGER NOT NULL) STRICT;
   CREATE TABLE attestations (
     id INTEGER PRIMARY KEY,
     device_id TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     jti TEXT NOT NULL,
     ear_status TEXT NOT NULL,
     submods_json TEXT NOT NULL,
     state_json TEXT NOT NULL
   ) STRICT;
   CREATE INDEX attestations_device ON attestations (device_id, received_at);
   CREATE TABLE device_state (device_id TEXT PRIMARY KEY, state_json TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT;
   CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, type TEXT NOT NULL, device_id TEXT, data_json TEXT NOT NULL) STRICT;
   CREATE TABLE api_keys (id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, scope TEXT NOT NULL, resources_json TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER, label TEXT) STRICT;
   CREATE TABLE service_keys (kid TEXT PRIMARY KEY, private_jwk TEXT NOT NULL, public_jwk TEXT NOT NULL, created_at INTEGER NOT NULL, retired_at INTEGER) STRICT;`,
  // 2: ID tokens verified per device (issue 4, MFA binding). The hash is unique across
  // devices, so a token presented by a second device is detected as a replay.
  `CREATE TABLE idp_tokens (
     hash TEXT PRIMARY KEY,
     device_id TEXT NOT NULL,
     issuer TEXT NOT NULL,
     subject TEXT NOT NULL,
     facts_json TEXT NOT NULL,
     verified_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX idp_tokens_device ON idp_tokens (device_id, expires_at);`,
  // 3: CAEP SET delivery by RFC 8936 poll: per receiver (API key id), a cursor below which
  // everything is done, and the acknowledged event seqs above it.
  `CREATE TABLE set_receivers (receiver TEXT PRIMARY KEY, cursor_seq INTEGER NOT NULL) STRICT;
   CREATE TABLE set_acks (receiver TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (receiver, seq)) STRICT;`,
  // 4: leases, so that one process at a time delivers each event sink (CAEP push, OCSF).
  `CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL) STRICT;`,
  // 5: compact history, and fresh_until as a column (the fresh-device count). The latest evidence lives with the device's state (re-evaluation
  // reads it); a history row keeps the full evidence only when the checks' outcome changed
  // or the last full row is a day old, else '' (and always a short state summary).
  `ALTER TABLE device_state ADD COLUMN submods_json TEXT;
   ALTER TABLE device_state ADD COLUMN history_digest TEXT;
   ALTER TABLE device_state ADD COLUMN history_full_at INTEGER;
   ALTER TABLE device_state ADD COLUMN fresh_until INTEGER;
   UPDATE device_state SET fresh_until = json_extract(state_json, '$.freshUntil');
   CREATE INDEX device_state_fresh ON device_state (fresh_until);`,
];
