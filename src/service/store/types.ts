/**
 * The service's storage contract. SQLite is the embedded default; PostgreSQL (several
 * replicas) implements the same interface. Every method is async so both fit.
 */
import type { JWK } from 'jose';

export interface DeviceRecord {
  id: string;
  /** RFC 7638 thumbprint of the device key. */
  jkt: string;
  publicJwk: JWK;
  user: string;
  groups: string[];
  enrolledAt: number;
  revokedAt?: number;
  platform?: string;
  hostname?: string;
}

export interface EnrollmentCodeRecord {
  /** SHA-256 of the code (the code itself is never stored). */
  hash: string;
  user: string;
  groups: string[];
  createdAt: number;
  expiresAt: number;
}

export interface ResourceVerdict {
  decision: 'allow' | 'deny';
  reasons: string[];
  message: string;
  warnings?: { code: string; message: string; until?: string }[];
}

export interface DeviceState {
  deviceId: string;
  attestedAt: number;
  /** After this instant the posture no longer counts (max evidence age of the strictest segment). */
  freshUntil: number;
  earStatus: 'affirming' | 'warning' | 'contraindicated' | 'none';
  resources: Record<string, ResourceVerdict>;
  /** Per-segment summary for GET /v1/devices/:id. */
  segments: Record<string, { satisfied: boolean; reasons: string[] }>;
  /** Per-check statuses from the evidence. */
  checks: Record<string, { status: string; reasons: string[] }>;
  resultJti: string;
  updatedAt: number;
  /** The policy revision the verdicts were reached under; another revision means re-evaluate. */
  policyRevision?: string;
  /** The evidence's platform, for re-evaluation. */
  platform?: 'linux' | 'darwin' | 'win32';
}

export interface AttestationWrite {
  deviceId: string;
  nonce: string;
  jti: string;
  /** When the evidence's jti may be forgotten (its exp plus skew). */
  jtiExpiresAt: number;
  receivedAt: number;
  state: DeviceState;
  /** The evidence submods, kept for history. */
  submods: unknown;
  /** Events written in the same transaction (only when the attestation is stored). */
  events?: NewEvent[];
}

/** An event to append; `seq` is assigned by the store. */
export interface NewEvent {
  type: string;
  deviceId?: string;
  data: unknown;
  at: number;
}

/** How long history is kept (epoch-ms cut-offs computed by the caller). */
export interface RetentionCutoffs {
  /** Events older than this are deleted. */
  eventsBefore?: number;
  /** Attestation history older than this is deleted, except each device's latest attestation. */
  attestationsBefore?: number;
}

export type AttestationOutcome = 'stored' | 'nonce-invalid' | 'replayed' | 'device-revoked';

export interface ApiKeyRecord {
  id: string;
  hash: string;
  scope: 'admin' | 'gateway';
  /** Resources a gateway key may ask about; `*` for all. */
  resources: string[];
  createdAt: number;
  revokedAt?: number;
  label?: string;
}

export interface ServiceKeyRecord {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: number;
  /** Set when a newer key took over; still published until tokens it signed expire. */
  retiredAt?: number;
}

export interface EventRecord {
  seq: number;
  at: number;
  type: string;
  deviceId?: string;
  data: unknown;
}

/** An ID token the service verified for a device (issue 4), remembered by hash. */
export interface IdTokenRecord {
  /** base64url SHA-256 of the compact token: later evidence names the token by it. */
  hash: string;
  deviceId: string;
  issuer: string;
  subject: string;
  /** The verified IdP facts (`issuer`, `subject`, `username`, `amr`, `acr`, `authTime`, …). */
  facts: Record<string, unknown>;
  verifiedAt: number;
  /** When the service forgets it (then the device must sign in again). */
  expiresAt: number;
}

/** Delivery state of one SET receiver (RFC 8936 poll): everything up to `cursor` is done. */
export interface SetReceiverState {
  /** Every event with seq <= cursor was acknowledged or is not delivered to receivers. */
  cursor: number;
  /** Acknowledged seqs above the cursor (acks that arrived out of order), ascending. */
  acked: number[];
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  createEnrollmentCode(rec: EnrollmentCodeRecord): Promise<void>;
  /** Marks the code used and enrols the device in one transaction; undefined when the code is invalid, used or expired. */
  enrollDevice(codeHash: string, now: number, device: Omit<DeviceRecord, 'user' | 'groups'>): Promise<DeviceRecord | 'code-invalid' | 'key-in-use'>;
  getDevice(id: string): Promise<DeviceRecord | undefined>;
  getDeviceByJkt(jkt: string): Promise<DeviceRecord | undefined>;
  listDevices(): Promise<DeviceRecord[]>;
  revokeDevice(id: string, at: number): Promise<boolean>;
  createNonce(nonce: string, expiresAt: number): Promise<void>;
  /** Consumes the nonce, stores the jti, the history row and the new state, atomically and durably. */
  recordAttestation(w: AttestationWrite): Promise<AttestationOutcome>;
  getDeviceState(deviceId: string): Promise<DeviceState | undefined>;
  /** Replaces a device's state (after re-evaluating its last evidence under a new policy). */
  saveDeviceState(state: DeviceState): Promise<void>;
  /** The verified submods of the device's latest stored attestation. */
  latestSubmods(deviceId: string): Promise<Record<string, unknown> | undefined>;
  countAttestations(deviceId?: string): Promise<number>;
  /** Enrolled (not revoked) and revoked devices, and those not revoked whose posture is fresh at `now`. */
  countDevices(now: number): Promise<{ enrolled: number; revoked: number; fresh: number }>;
  appendEvent(type: string, deviceId: string | undefined, data: unknown, at: number): Promise<void>;
  /** Appends several events in one transaction (in order). */
  appendEvents(events: readonly NewEvent[]): Promise<void>;
  listEvents(afterSeq: number, limit: number): Promise<EventRecord[]>;
  /** The highest event seq (0 when there is none). */
  lastEventSeq(): Promise<number>;
  /**
   * Calls `listener` soon after events were appended: in this process (SQLite) or by any
   * replica (PostgreSQL LISTEN/NOTIFY). A hint only (it may be late, repeated or lost on
   * a dropped connection): the event table stays the source of truth. Returns unsubscribe.
   */
  onEvents(listener: () => void): () => void;
  /**
   * Takes or renews the lease `name` for `holder` until `now + ttlMs`; false while another
   * holder's lease is unexpired. One replica at a time delivers each event sink.
   */
  acquireLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  /** Gives the lease up (no-op unless `holder` holds it). */
  releaseLease(name: string, holder: string): Promise<void>;
  /** Every event receiver and sink with its cursor, and the lease on it if any (for `events status`). */
  listDeliveries(): Promise<{ name: string; cursor: number; lease?: { holder: string; expiresAt: number } }[]>;
  /** A SET receiver's delivery state; `{cursor: 0, acked: []}` for a receiver never seen. */
  getSetReceiver(receiver: string): Promise<SetReceiverState>;
  /**
   * Records acknowledged event seqs for `receiver` and moves its cursor up to `cursor`
   * (never down); acks at or below the cursor are forgotten. Atomic.
   */
  ackSets(receiver: string, seqs: number[], cursor: number): Promise<void>;
  createApiKey(rec: ApiKeyRecord): Promise<void>;
  findApiKey(hash: string): Promise<ApiKeyRecord | undefined>;
  listServiceKeys(): Promise<ServiceKeyRecord[]>;
  insertServiceKey(rec: ServiceKeyRecord, retireOthersAt?: number): Promise<void>;
  /**
   * Remembers a verified ID token for a device. `known` when this device already presented
   * it; `other-device` when another device did (a replay: nothing is written).
   */
  rememberIdToken(rec: IdTokenRecord): Promise<'stored' | 'known' | 'other-device'>;
  /** The unexpired remembered ID token `hash`, whichever device presented it. */
  findIdToken(hash: string, now: number): Promise<IdTokenRecord | undefined>;
  /**
   * Deletes expired nonces, jtis, enrolment codes and remembered ID tokens, and history
   * older than the retention cut-offs (in bounded batches: call again to continue).
   */
  purgeExpired(now: number, retention?: RetentionCutoffs): Promise<void>;
  /** Cheap liveness of the database. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
