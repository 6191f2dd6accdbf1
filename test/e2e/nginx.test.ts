/**
 * nginx `auth_request` in front of a resource, asking the real posture service, with real
 * HTTPS through a real nginx: the shipped examples/gateways/nginx.conf with its
 * placeholders filled in. The device's posture comes from the agent's own pipeline
 * (replayed macOS bundles: FileVault on, then off).
 */
import { spawnSync } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nginxMainConfig } from '../../bench/lib/gateway-process.js';
import type { Bundle } from '../../src/shared/bundle.js';
import { requireComponent } from '../helpers/system.js';
import {
  TLS_CERT, TLS_KEY, RESOURCE, RESOURCE_HOST, enrolReplayDevice, freePort, loadScenarioBundles, readExample, removeAll, renderTemplate,
  requestThroughGateway, revokeDevice, startCountingRelay, startEchoUpstream, startGatewayProcess, startPostureStack, tempDir,
  type CountingRelay, type EchoUpstream, type GatewayProcess, type PostureStack, type ReplayDevice,
} from './gateway-helpers.js';

const NGINX = '/usr/sbin/nginx';

const nginx = requireComponent('nginx (Debian)', () => existsSync(NGINX) && nginxHasAuthRequest());

/** True when this nginx was built with the auth_request module (`nginx -V` prints to stderr). */
function nginxHasAuthRequest(): boolean {
  const out = spawnSync(NGINX, ['-V'], { encoding: 'utf8', timeout: 5000 });
  return `${out.stdout}${out.stderr}`.includes('--with-http_auth_request_module');
}

describe.skipIf(!nginx.available)(`nginx auth_request with the posture service (real processes)${nginx.available ? '' : ` (skipped: ${nginx.reason})`}`, () => {
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
    const prefix = await tempDir('posture-e2e-nginx-', dirs);
    // Workers drop root to `nobody`; they must reach the temp paths under the prefix.
    await chmod(prefix, 0o755);
    port = await freePort();
    const site = renderTemplate(await readExample('nginx.conf'), {
      LISTEN: `127.0.0.1:${port}`,
      SERVER_NAME: RESOURCE_HOST,
      TLS_CERT,
      TLS_KEY,
      // Through a relay that counts the gateway's connections to the service.
      POSTURE_SERVICE: `127.0.0.1:${relay.port}`,
      RESOURCE,
      GATEWAY_API_KEY: stack.gatewayKey,
      UPSTREAM: `127.0.0.1:${upstream.port}`,
    });
    await writeFile(join(prefix, 'posture-gateway.conf'), site);
    await writeFile(join(prefix, 'nginx.conf'), nginxMainConfig(prefix));
    gateway = await startGatewayProcess(NGINX, ['-p', prefix, '-e', 'stderr', '-c', join(prefix, 'nginx.conf'), '-g', `daemon off; pid ${prefix}/nginx.pid; error_log stderr;`], port);
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
      method: 'POST',
      path: '/api/2.0/mlflow/model-versions/create',
      headers: { 'x-posture-user': 'root', 'x-posture-device': 'dev_forged', 'x-posture-api-key': 'pa_gw_forged' },
    });
    expect(res.status, gateway?.output()).toBe(200);
    const echoed = JSON.parse(res.body) as { method: string; url: string; headers: Record<string, string | undefined> };
    expect(echoed.method).toBe('POST');
    expect(echoed.url).toBe('/api/2.0/mlflow/model-versions/create');
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

  it('denies the next request with 403 once the agent reports FileVault off, and allows again once it is back on', async () => {
    const regressed = await device.attest(bundles.regressed);
    expect(regressed.resources[RESOURCE]).toMatchObject({ decision: 'deny', reasons: ['disk_encryption.system_volume_unencrypted'] });
    const before = upstream.seen.length;

    // The token obtained while compliant is still unexpired: the decision reads the device's current state.
    const withOldToken = await requestThroughGateway(port, { token });
    expect(withOldToken.status).toBe(403);
    expect(withOldToken.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(withOldToken.body)).toMatchObject({ status: 403, type: 'tag:ai-factory-posture.dev,2026:problem:forbidden' });
    expect((await requestThroughGateway(port, { token: regressed.posture_token })).status).toBe(403);
    expect(upstream.seen.length).toBe(before);

    const recovered = await device.attest(bundles.compliant);
    token = recovered.posture_token;
    expect((await requestThroughGateway(port, { token })).status).toBe(200);
  });

  it('answers 401 with a Bearer challenge when the request carries no posture token or a forged one', async () => {
    const none = await requestThroughGateway(port);
    expect(none.status).toBe(401);
    // Exactly the service's challenge, once.
    expect(none.headers['www-authenticate']).toBe('Bearer realm="posture", error="invalid_token", error_description="posture-token-invalid"');
    expect(JSON.parse(none.body)).toMatchObject({ status: 401, type: 'tag:ai-factory-posture.dev,2026:problem:posture-token-invalid' });

    const [h, p] = token.split('.');
    const forged = await requestThroughGateway(port, { token: `${h}.${p}.${'A'.repeat(86)}` });
    expect(forged.status).toBe(401);
  });

  it('denies a revoked device at once, with the token it already holds', async () => {
    expect((await requestThroughGateway(port, { token })).status).toBe(200);
    expect(await revokeDevice(stack, device.deviceId)).toBe(204);
    const res = await requestThroughGateway(port, { token });
    expect(res.status).toBe(403);
  });

  it('fails closed with 503 while the posture service is down', async () => {
    await stack.stop();
    const res = await requestThroughGateway(port, { token });
    expect(res.status).not.toBeLessThan(300);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
  });
});
