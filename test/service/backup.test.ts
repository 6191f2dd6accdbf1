/**
 * `posture-service backup|restore` against a real service child process: an online backup
 * under attestation load is a consistent snapshot that restores into a working service;
 * damaged or too-new backups are refused; restore refuses a database a service has open
 * and one it would replace without --force. PostgreSQL: the documented pg_dump/pg_restore
 * commands carry the devices over into a second database.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildEvidenceClaims } from '../../src/agent/attestation/evidence.js';
import { PROJECT_ROOT } from '../../src/common/package-info.js';
import { createApiKey, hashSecret } from '../../src/service/api-keys.js';
import { CURRENT_SCHEMA_VERSION } from '../../src/service/backup.js';
import { serviceMain } from '../../src/service/cli.js';
import { openStore, type StoreSelection } from '../../src/service/store/open.js';
import { ENROLL_POP_TYP } from '../../src/shared/api.js';
import { postgresBinDir, postgresComponent, startPostgres, type PostgresServer } from '../helpers/postgres-server.js';
import { freePort } from '../helpers/net.js';
import { compliantReport } from '../helpers/service-harness.js';

interface Device { deviceId: string; privateKey: CryptoKey; jkt: string }
/** `url` is where it listens; `publicUrl` is its name in tokens (kept across a restore, as in a deployment). */
interface Service { child: ChildProcess; url: string; publicUrl: string; kill(): Promise<void>; stop(): Promise<void> }

const dirs: string[] = [];
const services: Service[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'posture-backup-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  for (const s of services.splice(0)) await s.kill();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs the CLI in this process (the service under test is a separate process). */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await serviceMain(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env: { HOME: tmpdir(), ...env } });
  return { code, stdout, stderr };
}

function call(url: string, method: string, path: string, body?: string, headers: Record<string, string> = {}, agent?: Agent): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method, headers: { ...headers, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) }, ...(agent ? { agent } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function startChild(sel: StoreSelection, publicUrl?: string): Promise<Service> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ['bin/posture-service.js', 'start', '--port', String(port), '--data-dir', sel.dataDir, '--policy', 'examples/policy.yaml', '--public-url', publicUrl ?? url, '--log-level', 'silent', '--insecure-trust-agent-mfa', ...(sel.databaseUrl ? ['--database-url', sel.databaseUrl] : [])];
  const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DATABASE_URL: '' } });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  const svc: Service = { child, url, publicUrl: publicUrl ?? url, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
  services.push(svc);
  const deadline = Date.now() + 15_000;
  while (!(await call(url, 'GET', '/readyz').then((r) => r.status === 200, () => false))) {
    if (child.exitCode !== null) throw new Error(`service exited ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`service not ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return svc;
}

/** Enrolment codes and a gateway key, written to the store before the service starts. */
async function seed(sel: StoreSelection, devices: number): Promise<{ codes: string[]; gatewayKey: string }> {
  const store = await openStore(sel);
  try {
    const codes = Array.from({ length: devices }, (_, i) => `enr_backup_${i}_${Math.random().toString(36).slice(2)}`);
    for (const code of codes) await store.createEnrollmentCode({ hash: hashSecret(code), user: 'alice', groups: ['data-scientists'], createdAt: Date.now(), expiresAt: Date.now() + 3_600_000 });
    return { codes, gatewayKey: (await createApiKey(store, 'gateway', ['*'], Date.now())).secret };
  } finally {
    await store.close();
  }
}

async function enroll({ url, publicUrl }: Service, code: string): Promise<Device> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const proof = await new SignJWT({ code_hash: createHash('sha256').update(code).digest('hex') }).setProtectedHeader({ alg: 'ES256', typ: ENROLL_POP_TYP }).setIssuedAt().setAudience(publicUrl).sign(privateKey);
  const res = await call(url, 'POST', '/v1/enrollments', JSON.stringify({ code, jwk, proof }), { 'content-type': 'application/json' });
  if (res.status !== 201) throw new Error(`enrol failed: ${res.status} ${res.body}`);
  return { deviceId: (JSON.parse(res.body) as { device_id: string }).device_id, privateKey, jkt: await calculateJwkThumbprint(jwk) };
}

/** challenge → sign → POST; `agent` fixes the source address (challenges are rate-limited per address). */
async function attest({ url, publicUrl }: Service, d: Device, agent?: Agent): Promise<{ status: number; jti: string; token: string }> {
  const ch = await call(url, 'POST', '/v1/challenges', undefined, {}, agent);
  if (ch.status !== 201 && ch.status !== 200) return { status: ch.status, jti: '', token: '' };
  const { nonce } = JSON.parse(ch.body) as { nonce: string };
  const now = new Date();
  const claims = buildEvidenceClaims({ report: compliantReport(now), deviceId: d.deviceId, audience: publicUrl, nonce, software: { name: 'posture-agent', version: 'test' }, device: { platform: 'linux', arch: 'x64' }, now });
  const evidence = await new SignJWT(claims as unknown as JWTPayload).setProtectedHeader({ alg: 'ES256', typ: 'eat+jwt', kid: d.jkt }).sign(d.privateKey);
  const res = await call(url, 'POST', '/v1/attestations', evidence, { 'content-type': 'application/eat+jwt' }, agent);
  return { status: res.status, jti: claims.jti, token: res.status === 201 ? (JSON.parse(res.body) as { posture_token: string }).posture_token : '' };
}

const authz = ({ url }: Service, token: string, gatewayKey: string) => call(url, 'GET', '/authz/v1/jupyter-hub/', undefined, { authorization: `Bearer ${token}`, 'x-posture-api-key': gatewayKey });

/** A small SQLite store (closed, so fully checkpointed) with `devices` enrolled devices. */
async function makeDatabase(devices: number): Promise<string> {
  const dataDir = tempDir();
  const store = await openStore({ dataDir });
  for (let i = 0; i < devices; i++) {
    const code = `enr_${i}`;
    await store.createEnrollmentCode({ hash: hashSecret(code), user: 'bob', groups: [], createdAt: 1, expiresAt: Date.now() + 60_000 });
    await store.enrollDevice(hashSecret(code), Date.now(), { id: `dev_${i}`, jkt: `jkt_${i}`, publicJwk: { kty: 'EC' }, enrolledAt: Date.now() });
  }
  await store.close();
  return dataDir;
}

/** Flips the b-tree page header of the devices table: damage PRAGMA integrity_check must see. */
function corruptDevicesTable(dbPath: string): void {
  const db = new Database(dbPath, { readonly: true });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const root = (db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'devices'").get() as { rootpage: number }).rootpage;
  db.close();
  const buf = readFileSync(dbPath);
  for (let i = 0; i < 8; i++) buf.writeUInt8((buf.readUInt8((root - 1) * pageSize + i) ^ 0xff), (root - 1) * pageSize + i);
  writeFileSync(dbPath, buf);
}

const oneLine = (s: string): void => expect(s.trimEnd().split('\n')).toHaveLength(1);

describe('posture-service backup and restore (SQLite)', () => {
  it('backs up a running service under attestation load; the restored copy serves the same devices and tokens', async () => {
    const dataDir = tempDir();
    const out = tempDir();
    const file = join(out, 'posture-backup.db');
    const { codes, gatewayKey } = await seed({ dataDir }, 4);
    const first = await startChild({ dataDir });
    const devices = await Promise.all(codes.map((c) => enroll(first, c)));
    const initial = await Promise.all(devices.map((d) => attest(first, d)));
    expect(initial.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const acked = new Set(initial.map((r) => r.jti));

    // Attestations keep flowing from four source addresses while the backup runs.
    let running = true;
    const agents = Array.from({ length: 4 }, (_, w) => new Agent({ keepAlive: true, localAddress: `127.0.0.${w + 2}` }));
    const load = Promise.all(agents.map(async (agent, w) => {
      for (let i = 0; running; i++) {
        const r = await attest(first, devices[(w + i) % devices.length] as Device, agent);
        if (r.status === 201) acked.add(r.jti);
      }
    }));
    try {
      await new Promise((r) => setTimeout(r, 500));
      const before = new Set(acked);
      const res = await cli(['backup', '--to', file, '--data-dir', dataDir]);
      await new Promise((r) => setTimeout(r, 200));
      running = false;
      await load;
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      oneLine(res.stdout);
      expect(res.stdout).toMatch(new RegExp(`^backup ${file}: \\d+ bytes, 4 devices, schema version ${CURRENT_SCHEMA_VERSION} \\(verified\\)\\n$`));
      expect(before.size).toBeGreaterThan(10);
      expect(acked.size).toBeGreaterThan(before.size); // the service kept accepting evidence
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readdirSync(out)).toEqual(['posture-backup.db']); // one self-contained file, no temp, -wal or -shm

      // A snapshot: everything acknowledged before the backup began, nothing never acknowledged.
      const copy = new Database(file, { readonly: true });
      const jtis = new Set((copy.prepare('SELECT jti FROM attestations').all() as { jti: string }[]).map((r) => r.jti));
      copy.close();
      expect([...before].filter((j) => !jtis.has(j))).toEqual([]);
      expect([...jtis].filter((j) => !acked.has(j))).toEqual([]);
    } finally {
      running = false;
      await load;
      for (const a of agents) a.destroy();
    }
    await first.stop();

    const restoredDir = join(tempDir(), 'fresh', 'data');
    const res = await cli(['restore', '--from', file, '--data-dir', restoredDir]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(`restored ${join(restoredDir, 'posture.db')} from ${file}: 4 devices, schema version ${CURRENT_SCHEMA_VERSION}\n`);
    const listed = await cli(['devices', '--json', '--data-dir', restoredDir]);
    const rows = JSON.parse(listed.stdout) as { id: string; user: string; state?: { earStatus: string } }[];
    expect(rows.map((r) => r.id).sort()).toEqual(devices.map((d) => d.deviceId).sort());
    expect(rows.map((r) => `${r.user} ${r.state?.earStatus}`)).toEqual(Array(4).fill('alice affirming'));

    const second = await startChild({ dataDir: restoredDir }, first.publicUrl);
    // A token signed before the backup verifies: the service keys came back with the devices.
    const allowed = await authz(second, initial[0]?.token as string, gatewayKey);
    expect(allowed.status).toBe(200);
    expect(allowed.headers['x-posture-device']).toBe(devices[0]?.deviceId);
    expect((await attest(second, devices[1] as Device)).status).toBe(201);
  });

  it('fails verification of a backup taken from a corrupted database and leaves no file behind', async () => {
    const dataDir = await makeDatabase(20);
    corruptDevicesTable(join(dataDir, 'posture.db'));
    const out = tempDir();
    const res = await cli(['backup', '--to', join(out, 'b.db'), '--data-dir', dataDir]);
    expect(res.code).toBe(1);
    oneLine(res.stderr);
    expect(res.stderr).toMatch(/^posture-service: b\.db failed verification: integrity_check: .*(malformed|corrupt|Tree \d+ page)/i);
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses to restore a corrupted backup and leaves the data dir without a database', async () => {
    const source = await makeDatabase(20);
    const damaged = join(source, 'posture.db');
    corruptDevicesTable(damaged);
    const target = tempDir();
    const res = await cli(['restore', '--from', damaged, '--data-dir', target]);
    expect(res.code).toBe(1);
    oneLine(res.stderr);
    expect(res.stderr).toContain(`${damaged} failed verification: integrity_check:`);
    expect(readdirSync(target)).toEqual([]);
  });

  it('refuses to restore a backup whose schema is newer than this build', async () => {
    const source = await makeDatabase(1);
    const db = new Database(join(source, 'posture.db'));
    db.prepare('UPDATE schema_version SET version = ?').run(CURRENT_SCHEMA_VERSION + 1);
    db.close();
    const res = await cli(['restore', '--from', join(source, 'posture.db'), '--data-dir', tempDir()]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`schema version ${CURRENT_SCHEMA_VERSION + 1} is newer than this build's (${CURRENT_SCHEMA_VERSION}): upgrade posture-service first`);
  });

  it('refuses to restore over a database a running service has open, and restores once it is gone', async () => {
    const backup = join(tempDir(), 'b.db');
    expect((await cli(['backup', '--to', backup, '--data-dir', await makeDatabase(2)])).code).toBe(0);
    const dataDir = tempDir();
    const { codes } = await seed({ dataDir }, 1);
    const svc = await startChild({ dataDir });
    const device = await enroll(svc, codes[0] as string);
    const refused = await cli(['restore', '--from', backup, '--data-dir', dataDir, '--force']);
    expect(refused.code).toBe(1);
    oneLine(refused.stderr);
    expect(refused.stderr).toBe(`posture-service: ${join(dataDir, 'posture.db')} is in use (is the service running?); stop the service, then restore\n`);
    expect((await call(svc.url, 'GET', '/readyz')).status).toBe(200);
    expect((await attest(svc, device)).status).toBe(201);
    expect(readdirSync(dataDir).filter((f) => f.includes('before-restore'))).toEqual([]);

    // Killed, the service leaves its WAL and -shm behind; the WAL's content ends up in the one file set aside.
    await svc.kill();
    expect(readdirSync(dataDir).sort()).toEqual(['posture.db', 'posture.db-shm', 'posture.db-wal']);
    const res = await cli(['restore', '--from', backup, '--data-dir', dataDir, '--force']);
    expect(res.code).toBe(0);
    const aside = readdirSync(dataDir).filter((f) => f.startsWith('posture.db.before-restore-'));
    expect(aside).toHaveLength(1);
    expect(res.stdout).toContain(`; previous database kept as ${join(dataDir, aside[0] as string)}`);
    expect(readdirSync(dataDir).sort()).toEqual([aside[0], 'posture.db'].sort());
    const old = new Database(join(dataDir, aside[0] as string), { readonly: true });
    expect((old.prepare('SELECT id FROM devices').all() as { id: string }[]).map((r) => r.id)).toEqual([device.deviceId]);
    expect((old.prepare('SELECT COUNT(*) AS n FROM attestations').get() as { n: number }).n).toBe(1);
    old.close();
    const restored = new Database(join(dataDir, 'posture.db'), { readonly: true });
    expect((restored.prepare('SELECT COUNT(*) AS n FROM devices').get() as { n: number }).n).toBe(2);
    restored.close();
  });

  it('refuses to replace an existing database without --force, and keeps the old one aside with it', async () => {
    const backup = join(tempDir(), 'b.db');
    expect((await cli(['backup', '--to', backup, '--data-dir', await makeDatabase(3)])).code).toBe(0);
    const dataDir = await makeDatabase(1);
    const db = join(dataDir, 'posture.db');
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chownSync(db, 65534, 65534);
    const ino = statSync(db).ino;
    const refused = await cli(['restore', '--from', backup, '--data-dir', dataDir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`posture-service: ${db} exists; pass --force to replace it (it is kept as posture.db.before-restore-<time>)\n`);
    expect(statSync(db).ino).toBe(ino);
    expect(readdirSync(dataDir)).toEqual(['posture.db']);

    const res = await cli(['restore', '--from', backup, '--data-dir', dataDir, '--force']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/: 3 devices, schema version \d+; previous database kept as .*posture\.db\.before-restore-\d{4}-\d\d-\d\dT[\d-]+Z\n$/);
    expect(statSync(db).mode & 0o777).toBe(0o600);
    // Run as root, the restored file belongs to whoever owned the old one (the service's user).
    if (asRoot) expect([statSync(db).uid, statSync(db).gid]).toEqual([65534, 65534]);
  });

  it('after restoring an older backup, event numbers continue after the replaced database\'s (receivers never see a seq twice)', async () => {
    const backup = join(tempDir(), 'old.db');
    expect((await cli(['backup', '--to', backup, '--data-dir', await makeDatabase(1)])).code).toBe(0);
    const dataDir = await makeDatabase(3);
    const db = join(dataDir, 'posture.db');
    const lastSeq = (path: string) => {
      const d = new Database(path, { readonly: true });
      try {
        return (d.prepare('SELECT MAX(seq) AS s FROM events').get() as { s: number }).s;
      } finally {
        d.close();
      }
    };
    const replacedLast = lastSeq(db);
    expect(lastSeq(backup)).toBeLessThan(replacedLast);
    expect((await cli(['restore', '--from', backup, '--data-dir', dataDir, '--force'])).code).toBe(0);
    const store = await openStore({ dataDir });
    try {
      await store.appendEvent('device.revoked', 'dev_x', {}, Date.now());
      const events = await store.listEvents(0, 100);
      expect(events[events.length - 1]?.seq).toBe(replacedLast + 1);
    } finally {
      await store.close();
    }
  });

  it('restores over a database whose header is destroyed, keeping the damaged file aside', async () => {
    const backup = join(tempDir(), 'b.db');
    expect((await cli(['backup', '--to', backup, '--data-dir', await makeDatabase(2)])).code).toBe(0);
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'posture.db'), Buffer.alloc(8192, 0x5a));
    const res = await cli(['restore', '--from', backup, '--data-dir', dataDir, '--force']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const aside = readdirSync(dataDir).filter((f) => f !== 'posture.db');
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dataDir, aside[0] as string))).toEqual(Buffer.alloc(8192, 0x5a));
  });

  it('refuses to overwrite an existing backup file without --force', async () => {
    const dataDir = await makeDatabase(2);
    const file = join(tempDir(), 'b.db');
    writeFileSync(file, 'keep me');
    const refused = await cli(['backup', '--to', file, '--data-dir', dataDir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`posture-service: ${file} exists; pass --force to replace it\n`);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    const forced = await cli(['backup', '--to', file, '--data-dir', dataDir, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(', 2 devices,');
    // The service was not running: the backup left no -wal/-shm in its data dir.
    expect(readdirSync(dataDir)).toEqual(['posture.db']);
  });

  it('exits 2 pointing to pg_dump when the store is PostgreSQL (real process), and to pg_restore for restore', async () => {
    const file = join(tempDir(), 'b.dump');
    const r = spawnSync(process.execPath, ['bin/posture-service.js', 'backup', '--to', file, '--database-url', 'postgres://posture@127.0.0.1:1/posture'], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
    expect(r.status).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain('back it up with pg_dump --format=custom');
    expect(existsSync(file)).toBe(false);
    const restore = await cli(['restore', '--from', file], { DATABASE_URL: 'postgres://posture@127.0.0.1:1/posture' });
    expect(restore.code).toBe(2);
    expect(restore.stderr).toContain('restore it with pg_restore --no-owner');
  });
});

const pgc = postgresComponent();
let pgServer: PostgresServer | undefined;
afterAll(() => pgServer?.stop());

describe('PostgreSQL backup and restore with the documented commands', () => {
  it.skipIf(!pgc.available)(`pg_dump --format=custom and pg_restore --no-owner carry devices, states and keys to a new database${pgc.reason ? ` (${pgc.reason})` : ''}`, async () => {
    pgServer = await startPostgres();
    const bin = postgresBinDir() as string;
    const sourceUrl = await pgServer.createDatabase();
    const { codes, gatewayKey } = await seed({ dataDir: tempDir(), databaseUrl: sourceUrl }, 3);
    const first = await startChild({ dataDir: tempDir(), databaseUrl: sourceUrl });
    const devices = await Promise.all(codes.map((c) => enroll(first, c)));
    const results = await Promise.all(devices.map((d) => attest(first, d)));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);

    // The commands of docs/deployment.md, as argv (no shell); the dump is taken with the service running.
    const dump = join(tempDir(), 'posture.dump');
    execFileSync(join(bin, 'pg_dump'), ['--format=custom', `--file=${dump}`, sourceUrl], { stdio: ['ignore', 'ignore', 'pipe'] });
    await first.stop();
    const targetUrl = await pgServer.createDatabase();
    execFileSync(join(bin, 'pg_restore'), ['--no-owner', `--dbname=${targetUrl}`, dump], { stdio: ['ignore', 'ignore', 'pipe'] });

    const listed = await cli(['devices', '--json', '--database-url', targetUrl]);
    const rows = JSON.parse(listed.stdout) as { id: string; state?: { earStatus: string } }[];
    expect(rows.map((r) => r.id).sort()).toEqual(devices.map((d) => d.deviceId).sort());
    expect(rows.map((r) => r.state?.earStatus)).toEqual(['affirming', 'affirming', 'affirming']);
    const second = await startChild({ dataDir: tempDir(), databaseUrl: targetUrl }, first.publicUrl);
    const allowed = await authz(second, results[0]?.token as string, gatewayKey);
    expect(allowed.status).toBe(200);
    expect(allowed.headers['x-posture-device']).toBe(devices[0]?.deviceId);
    expect((await attest(second, devices[2] as Device)).status).toBe(201);
  });
});
