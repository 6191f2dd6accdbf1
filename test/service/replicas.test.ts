// Two real service replicas on one database (SQLite file, and PostgreSQL when installed),
// each with its own listener and caches, as behind a load balancer.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, calculateJwkThumbprint, SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvidenceClaims } from '../../src/agent/attestation/evidence.js';
import { ENROLL_POP_TYP } from '../../src/shared/api.js';
import { createApiKey, hashSecret } from '../../src/service/api-keys.js';
import { examplePolicyPath, resolveConfig } from '../../src/service/config.js';
import { startService, type RunningService } from '../../src/service/server.js';
import { openStore } from '../../src/service/store/open.js';
import { postgresComponent, startPostgres, type PostgresServer } from '../helpers/postgres-server.js';
import { compliantReport } from '../helpers/service-harness.js';
import { freePort } from '../helpers/net.js';

const PUBLIC_URL = 'https://posture.replicas.test';

interface Pair {
  a: RunningService;
  b: RunningService;
  admin: string;
  gateway: string;
  code: string;
  stop: () => Promise<void>;
}

async function startPair(databaseUrl?: string, extra: Record<string, string> = {}): Promise<Pair> {
  const dir = await mkdtemp(join(tmpdir(), 'posture-replicas-'));
  const flags = (port: number) => ({ port: String(port), 'data-dir': dir, policy: examplePolicyPath(), 'public-url': PUBLIC_URL, 'log-level': 'silent', 'insecure-trust-agent-mfa': 'true', ...(databaseUrl ? { 'database-url': databaseUrl } : {}), ...extra });
  // Replica A starts first and creates the signing key; B starts while A runs.
  const a = await startService(resolveConfig(flags(await freePort()), {}));
  const b = await startService(resolveConfig(flags(await freePort()), {}));
  const admin = await openStore({ dataDir: dir, ...(databaseUrl ? { databaseUrl } : {}) });
  const now = Date.now();
  const code = `enr_replica_${Math.random().toString(36).slice(2)}`;
  await admin.createEnrollmentCode({ hash: hashSecret(code), user: 'alice', groups: ['data-scientists'], createdAt: now, expiresAt: now + 600_000 });
  const adminKey = (await createApiKey(admin, 'admin', ['*'], now)).secret;
  const gatewayKey = (await createApiKey(admin, 'gateway', ['*'], now)).secret;
  await admin.close();
  return { a, b, admin: adminKey, gateway: gatewayKey, code, stop: async () => { await Promise.all([a.close(), b.close()]); await rm(dir, { recursive: true, force: true }); } };
}

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

async function scenario(p: Pair, beforeRevoke: () => Promise<void> = async () => undefined): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  const jkt = await calculateJwkThumbprint(jwk);
  const proof = await new SignJWT({ code_hash: createHash('sha256').update(p.code).digest('hex') }).setProtectedHeader({ alg: 'ES256', typ: ENROLL_POP_TYP }).setIssuedAt().setAudience(PUBLIC_URL).sign(privateKey);
  const enrolled = await fetch(`${p.a.url}/v1/enrollments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: p.code, jwk, proof }) });
  expect(enrolled.status).toBe(201);
  const deviceId = (await json<{ device_id: string }>(enrolled)).device_id;

  // The challenge comes from B, the evidence goes to A: nonces live in the shared store.
  const { nonce } = await json<{ nonce: string }>(await fetch(`${p.b.url}/v1/challenges`, { method: 'POST' }));
  const claims = buildEvidenceClaims({ report: compliantReport(new Date()), deviceId, audience: PUBLIC_URL, nonce, software: { name: 'posture-agent', version: 'test' }, device: { platform: 'linux' } });
  const evidence = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'ES256', typ: 'eat+jwt', kid: jkt }).sign(privateKey);
  const attested = await fetch(`${p.a.url}/v1/attestations`, { method: 'POST', headers: { 'content-type': 'application/eat+jwt' }, body: evidence });
  expect(attested.status).toBe(201);
  const token = (await json<{ posture_token: string }>(attested)).posture_token;

  // The same evidence replayed to B is refused there too.
  const replay = await fetch(`${p.b.url}/v1/attestations`, { method: 'POST', headers: { 'content-type': 'application/eat+jwt' }, body: evidence });
  expect(replay.status).toBe(401);

  const ask = () => fetch(`${p.b.url}/authz/v1/jupyter-hub/lab`, { headers: { authorization: `Bearer ${token}`, 'x-posture-api-key': p.gateway } });
  // B verifies a token A signed, and decides from the shared state.
  expect((await ask()).status).toBe(200);

  await beforeRevoke();
  const revoked = await fetch(`${p.a.url}/v1/devices/${deviceId}`, { method: 'DELETE', headers: { 'x-posture-api-key': p.admin } });
  expect(revoked.status).toBe(204);
  const t0 = Date.now();
  let status = 200;
  while (status === 200 && Date.now() - t0 < 3000) {
    status = (await ask()).status;
    if (status === 200) await new Promise((r) => setTimeout(r, 25));
  }
  const elapsed = Date.now() - t0;
  expect(status).toBe(403);
  // Replica B learned of the revocation through the shared event table.
  expect(elapsed).toBeLessThan(1000);
}

describe('two replicas on one SQLite file', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair();
  });
  afterAll(async () => pair?.stop());

  it('shares nonces and replay protection, and denies through B within a second of a revocation through A', async () => {
    await scenario(pair);
  });
});

const pgc = postgresComponent();
describe.skipIf(!pgc.available)(`two replicas on one PostgreSQL database${pgc.reason ? ` (${pgc.reason})` : ''}`, () => {
  let server: PostgresServer | undefined;
  let pair: Pair;
  beforeAll(async () => {
    server = await startPostgres();
    pair = await startPair(await server.createDatabase());
  });
  afterAll(async () => {
    await pair?.stop();
    await server?.stop();
  });

  it('shares nonces and replay protection, and denies through B within a second of a revocation through A', async () => {
    await scenario(pair);
  });
});

describe.skipIf(!pgc.available)(`two replicas on PostgreSQL woken by LISTEN/NOTIFY alone${pgc.reason ? ` (${pgc.reason})` : ''}`, () => {
  let server: PostgresServer | undefined;
  let pair: Pair;
  let url = '';
  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase();
    // Polling once a minute: only a notification can bring the revocation within a second.
    pair = await startPair(url, { 'change-poll-ms': '60000' });
  });
  afterAll(async () => {
    await pair?.stop();
    await server?.stop();
  });

  it('denies through B within a second of a revocation through A, even after B\'s listener connection was killed', async () => {
    await scenario(pair, async () => {
      // Kill every LISTEN connection (as a failover or an idle-timeout would); they reconnect.
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const killed = await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'posture-service-listen'");
        expect(killed.rowCount).toBe(2);
        // Both listeners are back (a reconnect backs off 250 ms at first).
        const t0 = Date.now();
        for (;;) {
          const n = Number((await c.query("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'posture-service-listen'")).rows[0]?.n);
          if (n === 2) break;
          if (Date.now() - t0 > 5000) throw new Error('the listeners did not reconnect within 5 s');
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        await c.end();
      }
    });
  });
});
