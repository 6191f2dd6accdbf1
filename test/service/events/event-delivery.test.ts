/**
 * Event delivery end to end: the real service (Fastify app on a real SQLite store) pushes
 * CAEP SETs to a real HTTP receiver on 127.0.0.1 (RFC 8935) and writes OCSF lines to a
 * file and to an HTTP endpoint; failures are retried, delivery resumes after a restart,
 * and only one of two processes on one database delivers each sink.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceMain } from '../../../src/service/cli.js';
import { examplePolicyPath } from '../../../src/service/config.js';
import type { EventsConfig } from '../../../src/service/events/sinks-config.js';
import { CAEP_DEVICE_COMPLIANCE_CHANGE } from '../../../src/shared/api.js';
import { compliantReport, startHarness, withFacts, type Harness } from '../../helpers/service-harness.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A receiver on 127.0.0.1 whose answer to each request is chosen by `answer`. */
async function receiver(answer: (r: Received, n: number) => { status: number; body?: string } = () => ({ status: 202 })): Promise<{ url: string; got: Received[]; server: Server; close(): Promise<void> }> {
  const got: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const a = answer(r, got.length);
      if (a.status >= 200 && a.status < 300) got.push(r);
      res.writeHead(a.status, a.body ? { 'content-type': 'application/json' } : {});
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/events`, got, server, close: () => new Promise((r) => server.close(() => r())) };
}

async function until<T>(what: string, f: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 8000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const fast = { leaseMs: 2000, minBackoffMs: 50, maxBackoffMs: 200 };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function harness(events: EventsConfig, dataDir?: string): Promise<Harness> {
  const h = await startHarness({ events, ...(dataDir ? { dataDir } : {}) });
  cleanups.push(() => h.close());
  return h;
}

const regressed = (h: Harness) => withFacts(compliantReport(h.clock.now), 'disk_encryption', { volumes: [{ mount: '/', system: true, encrypted: false, state: 'off' }], systemVolumeEncrypted: false });

async function verifySet(h: Harness, set: string, audience: string) {
  const jwks = createLocalJWKSet((await h.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JSONWebKeySet);
  const { payload } = await jwtVerify(set, jwks, { typ: 'secevent+jwt', issuer: h.config.publicUrl, audience, algorithms: ['ES256'] });
  return { jti: payload.jti, event: (payload.events as Record<string, Record<string, unknown>>)[CAEP_DEVICE_COMPLIANCE_CHANGE] };
}

describe('CAEP push delivery (RFC 8935)', () => {
  it('pushes a signed SET per compliance change, in order, with the configured audience and authorization', async () => {
    const rx = await receiver();
    cleanups.push(rx.close);
    const h = await harness({ caepPush: [{ name: 'gw', endpoint: rx.url, audience: 'https://gw.example', authorization: 'Bearer s3cret' }], delivery: fast });
    const dev = await h.enroll();
    expect((await h.attest(dev)).statusCode).toBe(201);
    expect((await h.attest(dev, { report: regressed(h) })).statusCode).toBe(201);
    // A second non-compliant attestation is no change: no SET.
    expect((await h.attest(dev, { report: regressed(h) })).statusCode).toBe(201);
    await h.app.inject({ method: 'DELETE', url: `/v1/devices/${dev.deviceId}`, headers: { 'x-posture-api-key': h.adminKey } });
    await until('3 SETs', () => rx.got.length, (n) => n >= 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(rx.got).toHaveLength(3);
    for (const r of rx.got) {
      expect(r.headers['content-type']).toBe('application/secevent+jwt');
      expect(r.headers.authorization).toBe('Bearer s3cret');
    }
    const sets = await Promise.all(rx.got.map((r) => verifySet(h, r.body, 'https://gw.example')));
    expect(sets.map((s) => [s.event?.current_status, s.event?.previous_status])).toEqual([
      ['compliant', 'not-compliant'],
      ['not-compliant', 'compliant'],
      ['not-compliant', undefined],
    ]);
    expect(sets.every((s) => (s.event?.subject as { id: string }).id === dev.deviceId)).toBe(true);
    const seqs = sets.map((s) => Number(String(s.jti).slice(4)));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('retries while the receiver fails, with the same jti, and moves past a SET it refuses with 400', async () => {
    let failing = true;
    const tried: string[] = [];
    const rx = await receiver((r) => {
      const jti = String(decodeJwt(r.body).jti);
      tried.push(jti);
      if (failing) return { status: 503 };
      // The receiver refuses the first SET for good; later ones are accepted.
      if (jti === tried[0]) return { status: 400, body: JSON.stringify({ err: 'invalid_request', description: 'test refusal' }) };
      return { status: 202 };
    });
    cleanups.push(rx.close);
    const h = await harness({ caepPush: [{ name: 'gw', endpoint: rx.url, audience: 'aud' }], delivery: fast });
    const dev = await h.enroll();
    await h.attest(dev);
    await until('3 failed tries', () => tried.length, (n) => n >= 3);
    expect(new Set(tried).size).toBe(1);
    expect(rx.got).toHaveLength(0);
    failing = false;
    await h.attest(dev, { report: regressed(h) });
    await until('the second SET', () => rx.got.length, (n) => n >= 1);
    expect(decodeJwt(rx.got[0]?.body ?? '').jti).not.toBe(tried[0]);
    const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/posture_caep_sets_rejected_total\{sink="caep-push:gw"\} 1/);
    expect(metrics).toMatch(/posture_event_delivery_failures_total\{sink="caep-push:gw"\} [3-9]/);
  });

  it('keeps retrying when the receiver says our credentials are wrong (nothing is skipped)', async () => {
    let denied = true;
    const rx = await receiver(() => (denied ? { status: 400, body: JSON.stringify({ err: 'authentication_failed', description: 'bad token' }) } : { status: 202 }));
    cleanups.push(rx.close);
    const h = await harness({ caepPush: [{ name: 'gw', endpoint: rx.url, audience: 'aud' }], delivery: fast });
    const dev = await h.enroll();
    await h.attest(dev);
    await new Promise((r) => setTimeout(r, 400));
    expect(rx.got).toHaveLength(0);
    denied = false;
    await until('the SET after the credentials were fixed', () => rx.got.length, (n) => n === 1);
  });

  it('resumes after a restart from the acknowledged cursor: nothing lost, nothing acknowledged sent again', async () => {
    const rx = await receiver();
    cleanups.push(rx.close);
    const dataDir = await mkdtemp(join(tmpdir(), 'posture-restart-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const cfg: EventsConfig = { caepPush: [{ name: 'gw', endpoint: rx.url, audience: 'aud' }], delivery: fast };
    await copyFile(examplePolicyPath(), join(dataDir, 'policy.yaml'));
    const first = await startHarness({ events: cfg, dataDir });
    const dev = await first.enroll();
    await first.attest(dev);
    await until('the first SET', () => rx.got.length, (n) => n === 1);
    await first.close();
    // While the service is down the device regresses (recorded by another process on the file).
    const second = await harness(cfg, dataDir);
    await second.attest(dev, { report: regressed(second) });
    await until('the second SET', () => rx.got.length, (n) => n >= 2);
    await new Promise((r) => setTimeout(r, 200));
    const jtis = rx.got.map((r) => decodeJwt(r.body).jti);
    expect(jtis).toHaveLength(2);
    expect(new Set(jtis).size).toBe(2);
  });

  it('two processes on one database: each SET is pushed once (one holds the lease)', async () => {
    const rx = await receiver();
    cleanups.push(rx.close);
    const dataDir = await mkdtemp(join(tmpdir(), 'posture-two-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    await copyFile(examplePolicyPath(), join(dataDir, 'policy.yaml'));
    const cfg: EventsConfig = { caepPush: [{ name: 'gw', endpoint: rx.url, audience: 'aud' }], delivery: fast };
    const a = await harness(cfg, dataDir);
    const b = await harness(cfg, dataDir);
    const devs = await Promise.all([1, 2, 3, 4].map((i) => (i % 2 ? a : b).enroll({ user: `u${i}` })));
    for (const [i, d] of devs.entries()) expect((await (i % 2 ? a : b).attest(d)).statusCode).toBe(201);
    for (const [i, d] of devs.entries()) expect((await (i % 2 ? b : a).attest(d, { report: regressed(a) })).statusCode).toBe(201);
    await until('8 SETs', () => rx.got.length, (n) => n >= 8);
    await new Promise((r) => setTimeout(r, 300));
    const jtis = rx.got.map((r) => decodeJwt(r.body).jti);
    expect(jtis).toHaveLength(8);
    expect(new Set(jtis).size).toBe(8);

    // The operator's view: the sink is caught up and one process delivers it.
    let out = '';
    const code = await serviceMain(['events', 'status', '--json', '--data-dir', dataDir], { stdout: (s) => void (out += s), stderr: () => undefined, env: {} });
    expect(code).toBe(0);
    const status = JSON.parse(out) as { lastEventSeq: number; deliveries: { name: string; cursor: number; behind: number; delivering?: string }[] };
    const sink = status.deliveries.find((d) => d.name === 'sink:caep-push:gw');
    expect(sink?.cursor).toBe(status.lastEventSeq);
    expect(sink?.behind).toBe(0);
    expect(sink?.delivering).toMatch(/:\d+:/);
  });
});

describe('OCSF export', () => {
  it('writes OCSF lines for enrolment, attestation, compliance change and authz deny, users pseudonymised', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'posture-ocsf-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'ocsf.jsonl');
    const h = await harness({ caepPush: [], ocsf: { pseudonymKey: new Uint8Array(32).fill(7), sinks: [{ name: 'f', kind: 'file', file, batchSize: 500 }] }, delivery: fast });
    const dev = await h.enroll({ user: 'alice.liddell@example.com' });
    await h.attest(dev, { report: regressed(h) });
    const token = 'not-a-token';
    for (let i = 0; i < 5; i++) {
      const res = await h.app.inject({ method: 'GET', url: '/authz/v1/feature-store/x', headers: { 'x-posture-api-key': h.gatewayKey, authorization: `Bearer ${token}`, 'x-forwarded-uri': '/x?q=1', 'x-forwarded-method': 'GET' } });
      expect(res.statusCode).toBe(401);
    }
    const lines = await until(
      'OCSF lines of 4 classes',
      async () => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
      (ls) => [5001, 2003, 5019, 6004].every((c) => ls.some((l) => l.class_uid === c)),
    );
    const raw = await readFile(file, 'utf8');
    expect(raw).not.toContain('alice.liddell');
    // The denied request's path is there, its query string is not (it may carry secrets).
    expect(raw).toContain('"/x"');
    expect(raw).not.toContain('q=1');
    const deny = lines.find((l) => l.class_uid === 6004) as Record<string, unknown>;
    expect(deny.type_uid).toBe(600402);
    expect(JSON.stringify(deny)).toContain('feature-store');
    // The five denies were coalesced into one event with a count.
    expect(lines.filter((l) => l.class_uid === 6004)).toHaveLength(1);
    expect(JSON.stringify(deny)).toMatch(/"count":5/);
    const uids = lines.map((l) => (l.metadata as { uid: string }).uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('posts NDJSON batches to an HTTP sink and retries a failed batch', async () => {
    let fails = 2;
    const rx = await receiver(() => (fails-- > 0 ? { status: 500 } : { status: 200 }));
    cleanups.push(rx.close);
    const h = await harness({ caepPush: [], ocsf: { sinks: [{ name: 'siem', kind: 'http', url: rx.url, authorization: 'Splunk abc', batchSize: 500 }] }, delivery: fast });
    const dev = await h.enroll();
    await h.attest(dev);
    await until('a batch', () => rx.got.length, (n) => n >= 1);
    const r = rx.got[0] as Received;
    expect(r.headers['content-type']).toBe('application/x-ndjson');
    expect(r.headers.authorization).toBe('Splunk abc');
    const lines = r.body.trim().split('\n').map((l) => JSON.parse(l) as { class_uid: number; actor?: unknown });
    expect(lines.map((l) => l.class_uid)).toEqual(expect.arrayContaining([5001, 2003]));
    // Without pseudonymisation the user is there.
    expect(r.body).toContain('alice');
  });
});

describe('authz deny events', () => {
  it('coalesces denies per resource, device and problem into one event a second with a count', async () => {
    const h = await harness({ caepPush: [] });
    const dev = await h.enroll();
    const res = await h.attest(dev, { report: regressed(h) });
    const token = (res.json() as { posture_token: string }).posture_token;
    for (let i = 0; i < 30; i++) {
      const r = await h.app.inject({ method: 'GET', url: '/authz/v1/training-cluster/run', headers: { 'x-posture-api-key': h.gatewayKey, authorization: `Bearer ${token}` } });
      expect(r.statusCode).toBe(403);
    }
    // A made-up resource is recorded as "(unknown)", never as the attacker's string.
    await h.app.inject({ method: 'GET', url: '/authz/v1/evil-%3Cscript%3E/x', headers: { 'x-posture-api-key': h.gatewayKey } });
    const denies = await until(
      'deny events',
      async () => (await h.store.listEvents(0, 100)).filter((e) => e.type === 'authz.denied'),
      (es) => es.length >= 2,
    );
    const mine = denies.find((e) => e.deviceId === dev.deviceId);
    expect(mine?.data).toMatchObject({ resource: 'training-cluster', status: 403, problem: 'posture-noncompliant', count: 30 });
    expect(denies.find((e) => !e.deviceId)?.data).toMatchObject({ resource: '(unknown)', problem: 'resource-unknown', count: 1 });
    // Deny events do not evict the device from the authz cache (they change nothing about it).
    expect(JSON.stringify(denies)).not.toContain('script');
  });
});
