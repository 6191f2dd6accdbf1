import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/service/app.js';
import { loadServiceKeys } from '../../src/service/keys.js';
import { openSqliteStore } from '../../src/service/store/sqlite.js';
import { CAEP_DEVICE_COMPLIANCE_CHANGE } from '../../src/shared/api.js';
import { compliantReport, startHarness, withFacts, type Harness } from '../helpers/service-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

interface PollBody { sets: Record<string, string>; moreAvailable: boolean }
interface CaepEvent { subject: { format: string; id: string }; current_status: string; previous_status?: string; initiating_entity: string; reason_admin: { en: string }; event_timestamp: number }

const keyId = (secret: string): string => secret.split('_')[2] ?? '';

async function poll(app: Harness['app'], key: string | undefined, payload: Record<string, unknown> = {}) {
  return app.inject({ method: 'POST', url: '/v1/events/poll', headers: key ? { 'x-posture-api-key': key } : {}, payload });
}

async function pollOk(key: string, payload: Record<string, unknown> = {}, app: Harness['app'] = h.app): Promise<PollBody> {
  const res = await poll(app, key, payload);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as PollBody;
}

async function verifySet(set: string, audience: string): Promise<{ jti: string; event: CaepEvent }> {
  const jwks = createLocalJWKSet((await h.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JSONWebKeySet);
  const { payload, protectedHeader } = await jwtVerify(set, jwks, { typ: 'secevent+jwt', issuer: h.config.publicUrl, audience, algorithms: ['ES256'] });
  expect(protectedHeader.kid).toBeTruthy();
  expect(typeof payload.iat).toBe('number');
  const events = payload.events as Record<string, CaepEvent>;
  expect(Object.keys(events)).toEqual([CAEP_DEVICE_COMPLIANCE_CHANGE]);
  return { jti: payload.jti ?? '', event: events[CAEP_DEVICE_COMPLIANCE_CHANGE] as CaepEvent };
}

const regressed = () => withFacts(compliantReport(h.clock.now), 'disk_encryption', { volumes: [{ mount: '/', system: true, encrypted: false, state: 'off' }], systemVolumeEncrypted: false });

describe('CAEP SETs by RFC 8936 poll', () => {
  it('delivers verifiable device-compliance-change SETs, redelivers until acknowledged', async () => {
    const dev = await h.enroll();
    expect((await h.attest(dev)).statusCode).toBe(201);
    expect((await h.attest(dev, { report: regressed() })).statusCode).toBe(201);
    const aud = keyId(h.gatewayKey);

    const first = await pollOk(h.gatewayKey);
    expect(first.moreAvailable).toBe(false);
    const jtis = Object.keys(first.sets);
    expect(jtis).toHaveLength(2);
    const verified = await Promise.all(jtis.map((j) => verifySet(first.sets[j] ?? '', aud)));
    expect(verified.map((v) => v.jti)).toEqual(jtis);
    const [becameCompliant, regression] = verified.map((v) => v.event);
    expect(becameCompliant).toMatchObject({ subject: { format: 'opaque', id: dev.deviceId }, current_status: 'compliant', previous_status: 'not-compliant', initiating_entity: 'policy' });
    expect(regression).toMatchObject({ subject: { format: 'opaque', id: dev.deviceId }, current_status: 'not-compliant', previous_status: 'compliant', initiating_entity: 'policy' });
    expect(regression?.event_timestamp).toBe(Math.floor(h.clock.now.getTime() / 1000));
    expect(regression?.reason_admin.en).toMatch(/contraindicated|none/);

    // Not acknowledged: delivered again.
    expect(Object.keys((await pollOk(h.gatewayKey)).sets)).toEqual(jtis);
    // The second one acknowledged (out of order): only the first comes back.
    expect(Object.keys((await pollOk(h.gatewayKey, { ack: [jtis[1]] })).sets)).toEqual([jtis[0]]);
    // setErrs also ends redelivery; unknown jtis in acks are ignored.
    expect((await pollOk(h.gatewayKey, { setErrs: { [jtis[0] ?? '']: { err: 'invalid_request', description: 'test' } }, ack: ['not-ours'] })).sets).toEqual({});
    // Another receiver has its own delivery state.
    expect(Object.keys((await pollOk(h.adminKey, { returnImmediately: false })).sets)).toEqual(jtis);
  });

  it('delivers a SET for a revoked device', async () => {
    const dev = await h.enroll();
    const del = await h.app.inject({ method: 'DELETE', url: `/v1/devices/${dev.deviceId}`, headers: { 'x-posture-api-key': h.adminKey } });
    expect(del.statusCode).toBe(204);
    const body = await pollOk(h.gatewayKey);
    const sets = Object.values(body.sets);
    expect(sets).toHaveLength(1);
    const { event } = await verifySet(sets[0] ?? '', keyId(h.gatewayKey));
    expect(event).toMatchObject({ subject: { format: 'opaque', id: dev.deviceId }, current_status: 'not-compliant', reason_admin: { en: 'device revoked' } });
  });

  it('respects maxEvents and sets moreAvailable', async () => {
    const devs = [await h.enroll(), await h.enroll(), await h.enroll()];
    for (const d of devs) expect((await h.attest(d)).statusCode).toBe(201);
    const none = await pollOk(h.gatewayKey, { maxEvents: 0 });
    expect(none).toEqual({ sets: {}, moreAvailable: true });
    const two = await pollOk(h.gatewayKey, { maxEvents: 2 });
    expect(Object.keys(two.sets)).toHaveLength(2);
    expect(two.moreAvailable).toBe(true);
    const rest = await pollOk(h.gatewayKey, { maxEvents: 2, ack: Object.keys(two.sets) });
    expect(Object.keys(rest.sets)).toHaveLength(1);
    expect(rest.moreAvailable).toBe(false);
    expect(await pollOk(h.gatewayKey, { ack: Object.keys(rest.sets) })).toEqual({ sets: {}, moreAvailable: false });
  });

  it('resumes from the acknowledgement state after a restart', async () => {
    const devs = [await h.enroll(), await h.enroll()];
    for (const d of devs) expect((await h.attest(d)).statusCode).toBe(201);
    const before = await pollOk(h.gatewayKey);
    const jtis = Object.keys(before.sets);
    expect(jtis).toHaveLength(2);
    await pollOk(h.gatewayKey, { ack: [jtis[0]], maxEvents: 0 });
    await h.app.close();

    // A new process on the same data directory.
    const store = openSqliteStore(join(h.dataDir, 'posture.db'));
    try {
      const keys = await loadServiceKeys(store, { now: () => h.clock.now.getTime(), publishRetiredForMs: 720_000 });
      const app = await buildApp({ config: h.config, store, keys, policy: h.policy.engine, now: () => h.clock.now });
      await app.ready();
      try {
        const after = await pollOk(h.gatewayKey, {}, app);
        expect(Object.keys(after.sets)).toEqual([jtis[1]]);
        expect((await pollOk(h.gatewayKey, { ack: [jtis[1]] }, app)).sets).toEqual({});
      } finally {
        await app.close();
      }
    } finally {
      await store.close();
    }
  });

  it('refuses a missing key (401) and a malformed body (400 problem+json)', async () => {
    const noKey = await poll(h.app, undefined);
    expect(noKey.statusCode).toBe(401);
    expect(noKey.headers['content-type']).toMatch(/application\/problem\+json/);
    for (const payload of [{ maxEvents: 101 }, { maxEvents: -1 }, { ack: [{}] }, { returnImmediately: 'maybe' }, { extra: true }, { setErrs: { 'evt-1': { err: 'x', extra: 1 } } }, { setErrs: { 'evt-1': 'x' } }]) {
      const res = await poll(h.app, h.gatewayKey, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });
});
