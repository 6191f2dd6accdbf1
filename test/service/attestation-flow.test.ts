import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compliantReport, startHarness, withFacts, type Harness } from '../helpers/service-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('attestation flow (real SQLite, example policy)', () => {
  it('affirms a compliant device and allows every resource its groups grant', async () => {
    const dev = await h.enroll();
    const res = await h.attest(dev);
    expect(res.statusCode).toBe(201);
    const body = res.json() as { ear_status: string; resources: Record<string, { decision: string }>; posture_token: string };
    expect(body.ear_status).toBe('affirming');
    expect(Object.values(body.resources).every((r) => r.decision === 'allow')).toBe(true);
    const authz = await h.app.inject({ method: 'GET', url: '/authz/v1/training-cluster/jobs', headers: { authorization: `Bearer ${body.posture_token}`, 'x-posture-api-key': h.gatewayKey } });
    expect(authz.statusCode).toBe(200);
    expect(authz.headers['x-posture-device']).toBe(dev.deviceId);
    expect(authz.headers['x-posture-user']).toBe('alice');
    expect(authz.body).toBe('');
  });

  it('denies with 403 and reason codes after a regression, on the very next request', async () => {
    const dev = await h.enroll();
    const token = ((await h.attest(dev)).json() as { posture_token: string }).posture_token;
    const regressed = withFacts(compliantReport(h.clock.now), 'disk_encryption', { volumes: [{ mount: '/', system: true, encrypted: false, state: 'off' }], systemVolumeEncrypted: false });
    expect((await h.attest(dev, { report: regressed })).statusCode).toBe(201);
    const authz = await h.app.inject({ method: 'GET', url: '/authz/v1/training-cluster/', headers: { authorization: `Bearer ${token}`, 'x-posture-api-key': h.gatewayKey } });
    expect(authz.statusCode).toBe(403);
    expect(authz.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((authz.json() as { reasons: string[] }).reasons).toContain('disk_encryption.system_volume_unencrypted');
    // For gateways that cannot pass the body on (nginx auth_request), the same as headers.
    expect(authz.headers['x-posture-problem']).toBe('posture-noncompliant');
    expect(String(authz.headers['x-posture-reasons'])).toContain('disk_encryption.system_volume_unencrypted');
  });

  it('accepts the Bearer scheme in any letter case (RFC 6750)', async () => {
    const dev = await h.enroll();
    const token = ((await h.attest(dev)).json() as { posture_token: string }).posture_token;
    const authz = await h.app.inject({ method: 'GET', url: '/authz/v1/jupyter-hub/', headers: { authorization: `bearer ${token}`, 'x-posture-api-key': h.gatewayKey } });
    expect(authz.statusCode).toBe(200);
  });

  it('denies a revoked device at once, even with an unexpired token', async () => {
    const dev = await h.enroll();
    const token = ((await h.attest(dev)).json() as { posture_token: string }).posture_token;
    const del = await h.app.inject({ method: 'DELETE', url: `/v1/devices/${dev.deviceId}`, headers: { 'x-posture-api-key': h.adminKey } });
    expect(del.statusCode).toBe(204);
    const authz = await h.app.inject({ method: 'GET', url: '/authz/v1/jupyter-hub/', headers: { authorization: `Bearer ${token}`, 'x-posture-api-key': h.gatewayKey } });
    expect(authz.statusCode).toBe(403);
    expect((authz.json() as { type: string }).type).toMatch(/device-revoked$/);
  });

  it('denies stale posture once the evidence is older than the segment allows', async () => {
    const dev = await h.enroll();
    const token = ((await h.attest(dev)).json() as { posture_token: string }).posture_token;
    h.clock.now = new Date(h.clock.now.getTime() + 16 * 60_000);
    const authz = await h.app.inject({ method: 'GET', url: '/authz/v1/training-cluster/', headers: { authorization: `Bearer ${token}`, 'x-posture-api-key': h.gatewayKey } });
    expect([401, 403]).toContain(authz.statusCode);
  });

  it('lets a gateway poll the device state, limited to the resources its key covers', async () => {
    const dev = await h.enroll();
    await h.attest(dev);
    const res = await h.app.inject({ method: 'GET', url: `/v1/devices/${dev.deviceId}`, headers: { 'x-posture-api-key': h.gatewayKey } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ device_id: dev.deviceId, fresh: true, ear_status: 'affirming' });
    expect((await h.app.inject({ method: 'GET', url: `/v1/devices/${dev.deviceId}` })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/v1/devices', headers: { 'x-posture-api-key': h.gatewayKey } })).statusCode).toBe(403);
  });

  it('publishes the service key in the JWKS and answers health and readiness', async () => {
    const jwks = (await h.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as { keys: { kty: string; crv: string; d?: string }[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(jwks.keys[0]?.d).toBeUndefined();
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready', store: 'sqlite' });
    expect((await h.app.inject({ method: 'GET', url: '/metrics' })).body).toContain('posture_attestations_total');
  });

  it('counts enrolled, revoked and fresh devices for /metrics', async () => {
    const [a, b, c] = [await h.enroll(), await h.enroll(), await h.enroll()];
    expect((await h.attest(a)).statusCode).toBe(201);
    expect((await h.attest(b)).statusCode).toBe(201);
    await h.app.inject({ method: 'DELETE', url: `/v1/devices/${b.deviceId}`, headers: { 'x-posture-api-key': h.adminKey } });
    expect(c.deviceId).toBeTruthy();
    const body = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(body).toContain('posture_devices{state="enrolled"} 2');
    expect(body).toContain('posture_devices{state="revoked"} 1');
    // a attested and is fresh; b is revoked; c never attested.
    expect(body).toContain('posture_devices{state="fresh"} 1');
  });

  it('still answers /metrics when counting devices fails (the last counts stay)', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/metrics' })).body).toContain('posture_devices{state="enrolled"}');
    // A database outage for this one query (the real store's method replaced: an outage cannot be made on demand here).
    h.clock.now = new Date(h.clock.now.getTime() + 60_000);
    const original = h.store.countDevices.bind(h.store);
    h.store.countDevices = () => Promise.reject(new Error('database unavailable'));
    try {
      const res = await h.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('posture_attestations_total');
      expect(res.body).toContain('posture_devices{state="enrolled"}');
    } finally {
      h.store.countDevices = original;
    }
  });
});

describe('MFA without an identity provider', () => {
  it('ignores the MFA facts a device reports about itself, so segments that require MFA deny', async () => {
    const strict = await startHarness({ strictMfa: true });
    try {
      const dev = await strict.enroll();
      const res = await strict.attest(dev);
      expect(res.statusCode).toBe(201);
      const body = res.json() as { ear_status: string; resources: Record<string, { decision: string; reasons: string[] }> };
      expect(body.ear_status).toBe('contraindicated');
      expect(body.resources['training-cluster']?.decision).toBe('deny');
      expect(body.resources['training-cluster']?.reasons.some((r) => r.startsWith('mfa.'))).toBe(true);
    } finally {
      await strict.close();
    }
  });
});

describe('policy changes', () => {
  it('applies a tightened policy to the next request, without waiting for the next attestation', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const h2 = await startHarness();
    try {
      const dev = await h2.enroll();
      const token = ((await h2.attest(dev)).json() as { posture_token: string }).posture_token;
      const ask = () => h2.app.inject({ method: 'GET', url: '/authz/v1/training-cluster/', headers: { authorization: `Bearer ${token}`, 'x-posture-api-key': h2.gatewayKey } });
      expect((await ask()).statusCode).toBe(200);
      const file = join(h2.dataDir, 'policy.yaml');
      const text = await readFile(file, 'utf8');
      // Training now also requires enrolment in Jamf; the device reported Intune.
      const tightened = text.replace('      screen_lock: { required: true, max_idle_seconds: 900 }\n\n  deployment:', '      screen_lock: { required: true, max_idle_seconds: 900 }\n      mdm: { required: true, providers: [jamf] }\n\n  deployment:');
      expect(tightened).not.toBe(text);
      await writeFile(file, tightened);
      await expect.poll(async () => (await ask()).statusCode, { timeout: 5000, interval: 100 }).toBe(403);
      const denied = await ask();
      expect((denied.json() as { reasons: string[] }).reasons.some((r) => r.startsWith('mdm.'))).toBe(true);
      expect((await h2.store.listEvents(0, 100)).some((e) => e.type === 'device.compliance-changed' && (e.data as { cause?: string }).cause === 'policy-change')).toBe(true);
    } finally {
      await h2.close();
    }
  });
});

describe('changes made outside this process', () => {
  it('denies within a second of a revocation made by the admin CLI (another process on the same database)', async () => {
    const h3 = await startHarness();
    try {
      const dev = await h3.enroll();
      const token = ((await h3.attest(dev)).json() as { posture_token: string }).posture_token;
      const ask = () => h3.app.inject({ method: 'GET', url: '/authz/v1/jupyter-hub/', headers: { authorization: `Bearer ${token}`, 'x-posture-api-key': h3.gatewayKey } });
      expect((await ask()).statusCode).toBe(200);
      const { openSqliteStore } = await import('../../src/service/store/sqlite.js');
      const { join } = await import('node:path');
      // What `posture-service devices revoke` does: its own connection to the database.
      const admin = openSqliteStore(join(h3.dataDir, 'posture.db'));
      await admin.revokeDevice(dev.deviceId, Date.now());
      await admin.close();
      const t0 = Date.now();
      await expect.poll(async () => (await ask()).statusCode, { timeout: 3000, interval: 50 }).toBe(403);
      expect(Date.now() - t0).toBeLessThan(1500);
    } finally {
      await h3.close();
    }
  });
});
