/**
 * Crash safety: the real service runs as a child process under a sustained attestation
 * load and is killed with SIGKILL mid-load. Every attestation acknowledged with 201
 * before the kill must be in the database afterwards, the database must pass its
 * integrity check, and the service must start again on it and accept new evidence.
 * Runs against SQLite (the data dir) and PostgreSQL (a test cluster that stays up).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { exportJWK, generateKeyPair, calculateJwkThumbprint, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvidenceClaims } from '../../src/agent/attestation/evidence.js';
import { PROJECT_ROOT } from '../../src/common/package-info.js';
import { hashSecret } from '../../src/service/api-keys.js';
import { openStore } from '../../src/service/store/open.js';
import { ENROLL_POP_TYP } from '../../src/shared/api.js';
import { compliantReport } from '../helpers/service-harness.js';
import { postgresComponent, startPostgres, type PostgresServer } from '../helpers/postgres-server.js';
import { freePort } from '../helpers/net.js';

const DEVICES = 6;
const WORKERS = 8;
const LOAD_BEFORE_KILL_MS = 1500;

interface Device { deviceId: string; privateKey: CryptoKey; jkt: string }
interface Service { child: ChildProcess; url: string; stop(): void }

/** One HTTP call; `agent` fixes the source address (the service limits challenges per address). */
function call(url: string, method: string, path: string, body?: string, headers: Record<string, string> = {}, agent?: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method, headers: { ...headers, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) }, ...(agent ? { agent } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function startChild(dataDir: string, databaseUrl: string | undefined): Promise<Service> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ['bin/posture-service.js', 'start', '--port', String(port), '--data-dir', dataDir, '--policy', 'examples/policy.yaml', '--public-url', url, '--log-level', 'silent', '--insecure-trust-agent-mfa', ...(databaseUrl ? ['--database-url', databaseUrl] : [])];
  const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DATABASE_URL: '' } });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited ${child.exitCode}: ${stderr}`);
    const ok = await call(url, 'GET', '/readyz').then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`service not ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, url, stop: () => child.exitCode === null && child.kill('SIGKILL') };
}

async function enroll(url: string, code: string): Promise<Device> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const proof = await new SignJWT({ code_hash: createHash('sha256').update(code).digest('hex') })
    .setProtectedHeader({ alg: 'ES256', typ: ENROLL_POP_TYP })
    .setIssuedAt()
    .setAudience(url)
    .sign(privateKey);
  const res = await call(url, 'POST', '/v1/enrollments', JSON.stringify({ code, jwk, proof }), { 'content-type': 'application/json' });
  if (res.status !== 201) throw new Error(`enrol failed: ${res.status} ${res.body}`);
  return { deviceId: (JSON.parse(res.body) as { device_id: string }).device_id, privateKey, jkt: await calculateJwkThumbprint(jwk) };
}

/** challenge → sign → POST; the evidence jti when the service acknowledged it with 201, else undefined. */
async function attest(url: string, d: Device, agent?: Agent): Promise<{ status: number; jti: string }> {
  const ch = await call(url, 'POST', '/v1/challenges', undefined, {}, agent);
  if (ch.status !== 201 && ch.status !== 200) return { status: ch.status, jti: '' };
  const { nonce } = JSON.parse(ch.body) as { nonce: string };
  const now = new Date();
  const claims = buildEvidenceClaims({ report: compliantReport(now), deviceId: d.deviceId, audience: url, nonce, software: { name: 'posture-agent', version: 'test' }, device: { platform: 'linux', arch: 'x64' }, now });
  const token = await new SignJWT(claims as unknown as JWTPayload).setProtectedHeader({ alg: 'ES256', typ: 'eat+jwt', kid: d.jkt }).sign(d.privateKey);
  const res = await call(url, 'POST', '/v1/attestations', token, { 'content-type': 'application/eat+jwt' }, agent);
  return { status: res.status, jti: claims.jti };
}

interface Backend {
  name: string;
  available: boolean;
  reason: string;
  databaseUrl(): Promise<string | undefined>;
  /** Every attestation jti in the database, and its integrity verdict. */
  inspect(dataDir: string, url: string | undefined): Promise<{ jtis: Set<string>; integrity: string }>;
}

let pgServer: PostgresServer | undefined;
const pgc = postgresComponent();

const backends: Backend[] = [
  {
    name: 'SQLite',
    available: true,
    reason: '',
    databaseUrl: async () => undefined,
    inspect: async (dataDir) => {
      // Opened read-write, as the restarted service would: SQLite recovers the WAL first.
      const db = new Database(join(dataDir, 'posture.db'));
      try {
        const integrity = (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check;
        const jtis = new Set((db.prepare('SELECT jti FROM attestations').all() as { jti: string }[]).map((r) => r.jti));
        return { jtis, integrity };
      } finally {
        db.close();
      }
    },
  },
  {
    name: 'PostgreSQL',
    available: pgc.available,
    reason: pgc.reason,
    databaseUrl: async () => (pgServer as PostgresServer).createDatabase(),
    inspect: async (_dataDir, url) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const jtis = new Set((await client.query<{ jti: string }>('SELECT jti FROM attestations')).rows.map((r) => r.jti));
        // Every stored attestation has its jti recorded and the device's state row (one transaction).
        const orphans = (await client.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM attestations a WHERE NOT EXISTS (SELECT 1 FROM jtis j WHERE j.jti = a.jti) OR NOT EXISTS (SELECT 1 FROM device_state s WHERE s.device_id = a.device_id)')).rows[0]?.n;
        return { jtis, integrity: orphans === 0 ? 'ok' : `${orphans} attestations without their jti or state` };
      } finally {
        await client.end();
      }
    },
  },
];

beforeAll(async () => {
  if (pgc.available) pgServer = await startPostgres();
});
afterAll(() => pgServer?.stop());

describe.each(backends)('crash safety: $name', (backend) => {
  it.skipIf(!backend.available)(`keeps every acknowledged attestation through a SIGKILL under load${backend.reason ? ` (${backend.reason})` : ''}`, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'posture-crash-'));
    const databaseUrl = await backend.databaseUrl();
    const services: Service[] = [];
    const agents = Array.from({ length: WORKERS }, (_, w) => new Agent({ keepAlive: true, localAddress: `127.0.0.${w + 2}` }));
    try {
      // Enrolment codes go straight into the store the service will use.
      const codes = Array.from({ length: DEVICES }, (_, i) => `enr_crash_${i}_${Math.random().toString(36).slice(2)}`);
      const admin = await openStore(databaseUrl ? { dataDir, databaseUrl } : { dataDir });
      for (const code of codes) await admin.createEnrollmentCode({ hash: hashSecret(code), user: 'alice', groups: ['data-scientists'], createdAt: Date.now(), expiresAt: Date.now() + 3_600_000 });
      await admin.close();

      const first = await startChild(dataDir, databaseUrl);
      services.push(first);
      const devices = await Promise.all(codes.map((c) => enroll(first.url, c)));

      const acknowledged: string[] = [];
      let attempts = 0;
      let killed = false;
      const worker = async (w: number): Promise<void> => {
        for (let i = 0; !killed && i < 100_000; i++) {
          attempts++;
          const d = devices[(w + i) % devices.length] as Device;
          const r = await attest(first.url, d, agents[w]).catch(() => undefined);
          if (r?.status === 201) acknowledged.push(r.jti);
          else if (!r) return; // the connection died: the service is gone
        }
      };
      const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
      await new Promise((r) => setTimeout(r, LOAD_BEFORE_KILL_MS));
      const ackedBeforeKill = acknowledged.length;
      first.child.kill('SIGKILL');
      killed = true;
      await new Promise((r) => first.child.once('exit', r));
      await load;

      expect(ackedBeforeKill).toBeGreaterThan(20);
      const { jtis, integrity } = await backend.inspect(dataDir, databaseUrl);
      expect(integrity).toBe('ok');
      const missing = acknowledged.filter((j) => !jtis.has(j));
      expect(missing).toEqual([]);
      // Beyond the acknowledged ones, only requests in flight at the kill may have committed.
      expect(jtis.size - acknowledged.length).toBeGreaterThanOrEqual(0);
      expect(jtis.size - acknowledged.length).toBeLessThanOrEqual(WORKERS);
      console.log(`${backend.name}: ${acknowledged.length} acknowledged of ${attempts} attempts in ${LOAD_BEFORE_KILL_MS} ms, ${jtis.size} stored after SIGKILL`);

      // The service starts again on the same database and serves.
      const second = await startChild(dataDir, databaseUrl);
      services.push(second);
      const after = await attest(second.url, devices[0] as Device);
      expect(after.status).toBe(201);
      const { jtis: finalJtis } = await backend.inspect(dataDir, databaseUrl);
      expect(finalJtis.has(after.jti)).toBe(true);
    } finally {
      for (const s of services) s.stop();
      for (const a of agents) a.destroy();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
