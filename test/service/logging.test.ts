/**
 * What the service logs at its default level (info) and at debug, read from the real pino
 * logger Fastify builds: nothing per authz decision or health check (the hot paths), one
 * line per refused agent/admin request with its problem code and no query string, the state
 * changes, and one debug line per agent/admin request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/service-harness.js';

interface Line {
  level: number;
  msg: string;
  [k: string]: unknown;
}

const INFO = 30;
const DEBUG = 20;

function collector(): { stream: { write(s: string): void }; lines: Line[]; take(): Line[] } {
  const lines: Line[] = [];
  let seen = 0;
  return {
    stream: { write: (s: string) => lines.push(JSON.parse(s) as Line) },
    lines,
    take() {
      const out = lines.slice(seen);
      seen = lines.length;
      return out;
    },
  };
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('service logs', () => {
  it('at info: nothing per authz decision or health check; one line per refusal (problem code, no query) and per state change', async () => {
    const log = collector();
    h = await startHarness({ logger: { level: 'info', stream: log.stream } });
    const dev = await h.enroll();
    expect(log.take().map((l) => l.msg)).toContain('device enrolled');
    const res = await h.attest(dev);
    expect(res.statusCode).toBe(201);
    const token = (res.json() as { posture_token: string }).posture_token;
    log.take();

    const authz = (bearer: string) => h?.app.inject({ method: 'GET', url: '/authz/v1/training-cluster/jobs?x=1', headers: { authorization: `Bearer ${bearer}`, 'x-posture-api-key': h.gatewayKey } });
    for (let i = 0; i < 20; i++) expect((await authz(token))?.statusCode).toBe(200);
    expect((await authz('not-a-token'))?.statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    expect(log.take()).toEqual([]);

    const bad = await h.app.inject({ method: 'POST', url: '/v1/attestations?session=s3cret', headers: { 'content-type': 'application/eat+jwt' }, payload: 'a.b.c' });
    expect(bad.statusCode).toBe(400);
    const refused = log.take();
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ level: INFO, msg: 'request refused', method: 'POST', path: '/v1/attestations', status: 400, problem: 'evidence-malformed' });
    expect(JSON.stringify(refused)).not.toContain('s3cret');

    expect((await h.app.inject({ method: 'GET', url: '/v1/devices', headers: { 'x-posture-api-key': 'pa_gw_000000000000_AAAA' } })).statusCode).toBe(401);
    expect(log.take()).toMatchObject([{ msg: 'request refused', path: '/v1/devices', status: 401 }]);

    const revoked = await h.app.inject({ method: 'DELETE', url: `/v1/devices/${dev.deviceId}`, headers: { 'x-posture-api-key': h.adminKey } });
    expect(revoked.statusCode).toBeLessThan(300);
    expect(log.take().map((l) => l.msg)).toEqual(['device revoked']);
  });

  it('at debug: one line per agent or admin request, still none per authz decision', async () => {
    const log = collector();
    h = await startHarness({ logger: { level: 'debug', stream: log.stream } });
    const dev = await h.enroll();
    const res = await h.attest(dev);
    expect(res.statusCode).toBe(201);
    const token = (res.json() as { posture_token: string }).posture_token;
    const requests = log.take().filter((l) => l.msg === 'request');
    expect(requests.map((l) => `${String(l.method)} ${String(l.path)} ${String(l.status)}`)).toEqual(expect.arrayContaining(['POST /v1/enrollments 201', 'POST /v1/challenges 201', 'POST /v1/attestations 201']));
    for (const l of requests) {
      expect(l.level).toBe(DEBUG);
      expect(typeof l.ms).toBe('number');
    }
    for (let i = 0; i < 5; i++) expect((await h.app.inject({ method: 'GET', url: '/authz/v1/training-cluster', headers: { authorization: `Bearer ${token}`, 'x-posture-api-key': h.gatewayKey } })).statusCode).toBe(200);
    expect(log.take().filter((l) => l.msg === 'request')).toEqual([]);
  });
});
