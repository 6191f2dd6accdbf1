/**
 * Caddy `forward_auth` in front of a resource, asking the real posture service, with real
 * HTTPS through a real Caddy: the shipped examples/gateways/Caddyfile with its
 * placeholders filled in. The device's posture comes from the agent's own pipeline
 * (replayed macOS bundles: FileVault on, then off).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/shared/bundle.js';
import { requireComponent } from '../helpers/system.js';
import {
  TLS_CERT, TLS_KEY, RESOURCE, RESOURCE_HOST, enrolReplayDevice, freePort, loadScenarioBundles, readExample, removeAll, renderTemplate,
  requestThroughGateway, revokeDevice, startCountingRelay, startEchoUpstream, startGatewayProcess, startPostureStack, tempDir,
  type CountingRelay, type EchoUpstream, type GatewayProcess, type PostureStack, type ReplayDevice,
} from './gateway-helpers.js';

const CADDY = '/usr/bin/caddy';

/** forward_auth appeared in Caddy 2.5.1; Debian 12 ships 2.6.2. */
const caddy = requireComponent('caddy (Debian)', () => existsSync(CADDY) && spawnSync(CADDY, ['list-modules'], { encoding: 'utf8', timeout: 5000 }).stdout.includes('http.handlers.reverse_proxy'));

describe.skipIf(!caddy.available)(`Caddy forward_auth with the posture service (real processes)${caddy.available ? '' : ` (skipped: ${caddy.reason})`}`, () => {
  const dirs: string[] = [];
  let stack: PostureStack;
  let upstream: EchoUpstream;
  let relay: CountingRelay;
  let gateway: GatewayProcess | undefined;
  let port: number;
  let device: ReplayDevice;
  let bundles: { compliant: Bundle; regressed: Bundle };
  let token: string;

  beforeAll(async () => {
    [stack, upstream, bundles] = await Promise.all([startPostureStack(dirs), startEchoUpstream(), loadScenarioBundles()]);
    relay = await startCountingRelay(stack.port);
    const home = await tempDir('posture-e2e-caddy-', dirs);
    port = await freePort();
    const adminPort = await freePort();
    const caddyfile = join(home, 'Caddyfile');
    await writeFile(caddyfile, renderTemplate(await readExample('Caddyfile'), {
      CADDY_ADMIN: `127.0.0.1:${adminPort}`,
      SITE_ADDRESS: `https://${RESOURCE_HOST}:${port}`,
      BIND: '127.0.0.1',
      TLS_CERT,
      TLS_KEY,
      // Through a relay that counts the gateway's connections to the service.
      POSTURE_SERVICE: `127.0.0.1:${relay.port}`,
      RESOURCE,
      GATEWAY_API_KEY: stack.gatewayKey,
      UPSTREAM: `127.0.0.1:${upstream.port}`,
    }));
    // Caddy keeps its state (autosaved config, storage) under HOME/XDG dirs: keep it in the temp dir.
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data') };
    gateway = await startGatewayProcess(CADDY, ['run', '--config', caddyfile, '--adapter', 'caddyfile'], port, env);
    device = await enrolReplayDevice(stack, await tempDir('posture-e2e-agent-', dirs));
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([stack?.stop(), upstream?.close(), relay?.close()]);
    await removeAll(dirs);
  });

  it('lets a compliant device through, forwards its identity and strips the posture token and forged headers', async () => {
    const result = await device.attest(bundles.compliant);
    expect(result.resources[RESOURCE]?.decision).toBe('allow');
    token = result.posture_token;

    const res = await requestThroughGateway(port, {
      token,
      method: 'PUT',
      path: '/api/2.0/mlflow/registered-models/update?name=llm',
      headers: { 'x-posture-user': 'root', 'x-posture-device': 'dev_forged', 'x-posture-api-key': 'pa_gw_forged' },
    });
    expect(res.status, gateway?.output()).toBe(200);
    const echoed = JSON.parse(res.body) as { method: string; url: string; headers: Record<string, string | undefined> };
    expect(echoed.method).toBe('PUT');
    expect(echoed.url).toBe('/api/2.0/mlflow/registered-models/update?name=llm');
    expect(echoed.headers['x-posture-device']).toBe(device.deviceId);
    expect(echoed.headers['x-posture-user']).toBe('alice');
    expect(echoed.headers['x-posture-status']).toBe('affirming');
    expect(echoed.headers.authorization).toBeUndefined();
    expect(echoed.headers['x-posture-api-key']).toBeUndefined();
  });

  it('reuses kept-alive connections to the posture service for successive auth calls', async () => {
    const before = relay.connections();
    for (let i = 0; i < 20; i++) expect((await requestThroughGateway(port, { token })).status).toBe(200);
    // Without keep-alive every call would open a connection (20); one or two may be (re)opened.
    expect(relay.connections() - before).toBeLessThanOrEqual(2);
  });

  it('denies the next request with 403 and the service\'s reasons once the agent reports FileVault off', async () => {
    const regressed = await device.attest(bundles.regressed);
    expect(regressed.resources[RESOURCE]?.decision).toBe('deny');
    const before = upstream.seen.length;

    const res = await requestThroughGateway(port, { token });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.body)).toMatchObject({
      type: 'tag:ai-factory-posture.dev,2026:problem:posture-noncompliant',
      status: 403,
      reasons: ['disk_encryption.system_volume_unencrypted'],
    });
    expect(upstream.seen.length).toBe(before);

    const recovered = await device.attest(bundles.compliant);
    token = recovered.posture_token;
    expect((await requestThroughGateway(port, { token })).status).toBe(200);
  });

  it('answers 401 with the service\'s Bearer challenge when the request carries no posture token', async () => {
    const res = await requestThroughGateway(port);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="posture", error="invalid_token", error_description="posture-token-invalid"');
  });

  it('denies a revoked device at once, with the token it already holds', async () => {
    expect((await requestThroughGateway(port, { token })).status).toBe(200);
    expect(await revokeDevice(stack, device.deviceId)).toBe(204);
    const res = await requestThroughGateway(port, { token });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ type: 'tag:ai-factory-posture.dev,2026:problem:device-revoked' });
  });

  it('fails closed while the posture service is down', async () => {
    await stack.stop();
    const res = await requestThroughGateway(port, { token });
    expect(res.status).not.toBeLessThan(300);
    expect(res.status).toBe(502);
  });
});
