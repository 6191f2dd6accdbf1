/**
 * Shared pieces of the real-gateway end-to-end tests (nginx, Caddy): the shipped example
 * configs rendered with test values, the real posture service on a real listener, a
 * device that enrols and attests through the real agent code from a diagnose bundle, a
 * tiny upstream that echoes what the gateway forwarded, TLS requests through the gateway,
 * and gateway processes that are always stopped. Loopback addresses only.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEvidenceClaims, signEvidence } from '../../src/agent/attestation/evidence.js';
import { createServiceClient } from '../../src/agent/client/service-client.js';
import { collectReplay, loadBundle } from '../../src/agent/collect.js';
import { loadOrCreateDeviceKey } from '../../src/agent/identity/device-key.js';
import { FileKeyStore } from '../../src/agent/identity/key-store.js';
import { AGENT_NAME, AGENT_VERSION } from '../../src/agent/version.js';
import { serviceMain } from '../../src/service/cli.js';
import { resolveConfig } from '../../src/service/config.js';
import { startService, type RunningService } from '../../src/service/server.js';
import type { AttestationResponse } from '../../src/shared/api.js';
import type { Bundle } from '../../src/shared/bundle.js';
import { freePort } from '../helpers/net.js';

export { renderTemplate, startGatewayProcess, type GatewayProcess } from '../../bench/lib/gateway-process.js';
export { freePort } from '../helpers/net.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXAMPLES_DIR = join(ROOT, 'examples', 'gateways');
export const E2E_FIXTURES = join(ROOT, 'test', 'fixtures', 'e2e');
/** Test-only certificate for models.ai.internal, localhost and 127.0.0.1 (see the fixtures README). */
export const TLS_CERT = join(E2E_FIXTURES, 'tls', 'gateway-test.crt');
export const TLS_KEY = join(E2E_FIXTURES, 'tls', 'gateway-test.key');
/** The protected resource of test/fixtures/e2e/policy.yaml and its host. */
export const RESOURCE = 'model-registry';
export const RESOURCE_HOST = 'models.ai.internal';

/** A free TCP port on 127.0.0.1 (free when asked; the caller binds it right away). */
/** A temp directory that `removeAll` deletes. */
export async function tempDir(prefix: string, registry: string[]): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  registry.push(d);
  return d;
}


/** Reads a shipped example config. */
export function readExample(name: string): Promise<string> {
  return readFile(join(EXAMPLES_DIR, name), 'utf8');
}

export interface PostureStack {
  service: RunningService;
  url: string;
  port: number;
  dataDir: string;
  /** `posture-service api-key create --scope admin`. */
  adminKey: string;
  /** `posture-service api-key create --scope gateway --resources model-registry`. */
  gatewayKey: string;
  /** `posture-service enroll-token --user alice --groups data-scientists`. */
  enrolmentCode: string;
  /** Stops the service if it still runs (idempotent). */
  stop(): Promise<void>;
}

/** Runs the real `posture-service` CLI in-process and returns the last line it printed. */
async function cli(args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await serviceMain(args, { stdout: (s) => void (out += s), stderr: (s) => void (err += s), env: {} });
  if (code !== 0) throw new Error(`posture-service ${args.join(' ')} exited ${code}: ${err}`);
  return out.trim().split('\n').at(-1) ?? '';
}

/**
 * The posture service as an operator runs it: keys and an enrolment code from the CLI,
 * then `startService` on a free 127.0.0.1 port with the e2e policy.
 */
export async function startPostureStack(dirs: string[]): Promise<PostureStack> {
  const dataDir = await tempDir('posture-e2e-svc-', dirs);
  const adminKey = await cli(['api-key', 'create', '--scope', 'admin', '--label', 'e2e-admin', '--data-dir', dataDir]);
  const gatewayKey = await cli(['api-key', 'create', '--scope', 'gateway', '--resources', RESOURCE, '--label', 'e2e-gateway', '--data-dir', dataDir]);
  const enrolmentCode = await cli(['enroll-token', '--user', 'alice', '--groups', 'data-scientists', '--ttl', '10m', '--data-dir', dataDir]);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = resolveConfig({ host: '127.0.0.1', port: String(port), 'data-dir': dataDir, policy: join(E2E_FIXTURES, 'policy.yaml'), 'public-url': url, 'log-level': 'silent' }, {});
  const service = await startService(config);
  let stopped = false;
  return {
    service, url, port, dataDir, adminKey, gatewayKey, enrolmentCode,
    async stop() {
      if (stopped) return;
      stopped = true;
      await service.close();
    },
  };
}

/** Revokes a device through the admin API (`DELETE /v1/devices/:id`); returns the status. */
export async function revokeDevice(stack: PostureStack, deviceId: string): Promise<number> {
  const res = await fetch(`${stack.url}/v1/devices/${deviceId}`, { method: 'DELETE', headers: { 'x-posture-api-key': stack.adminKey } });
  await res.arrayBuffer();
  return res.status;
}

export interface ReplayDevice {
  deviceId: string;
  /** One attestation round trip with the checks replayed from `bundle` (as if collected now). */
  attest(bundle: Bundle): Promise<AttestationResponse>;
}

/**
 * A device driven by the agent's own code: device key in a 0600 file, enrolment with
 * proof of possession, then challenge → collectReplay → build → sign → submit. Only the
 * probe outputs come from a bundle instead of this machine.
 */
export async function enrolReplayDevice(stack: PostureStack, stateDir: string): Promise<ReplayDevice> {
  const key = await loadOrCreateDeviceKey(new FileKeyStore(join(stateDir, 'device-key.json')));
  const client = createServiceClient(stack.url, { timeoutMs: 5000 });
  const hostname = 'e2e-macbook';
  const enrolled = await client.enroll(stack.enrolmentCode, key, { platform: 'darwin', hostname });
  return {
    deviceId: enrolled.device_id,
    async attest(bundle) {
      const { nonce } = await client.challenge();
      const report = await collectReplay({ ...bundle, collectedAt: new Date().toISOString() });
      const claims = buildEvidenceClaims({
        report,
        deviceId: enrolled.device_id,
        audience: stack.url,
        nonce,
        software: { name: AGENT_NAME, version: AGENT_VERSION },
        device: { platform: bundle.platform, arch: bundle.arch ?? 'arm64', hostname },
      });
      return client.attest(await signEvidence(claims, key));
    },
  };
}

/** The two bundles of the scenario: FileVault on (real capture) and off (synthetic). */
export async function loadScenarioBundles(): Promise<{ compliant: Bundle; regressed: Bundle }> {
  const [compliant, regressed] = await Promise.all([
    loadBundle(join(E2E_FIXTURES, 'macos-filevault-on.bundle.json')),
    loadBundle(join(E2E_FIXTURES, 'macos-filevault-off.synthetic.bundle.json')),
  ]);
  return { compliant, regressed };
}

/** What the upstream application saw of one request. */
export interface EchoedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface EchoUpstream {
  port: number;
  /** Every request that reached the application, oldest first. */
  seen: EchoedRequest[];
  close(): Promise<void>;
}

/** The protected application: answers 200 with a JSON echo of the request it got. */
export async function startEchoUpstream(): Promise<EchoUpstream> {
  const seen: EchoedRequest[] = [];
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const echoed = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
      seen.push(echoed);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(echoed));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface CountingRelay {
  port: number;
  /** TCP connections accepted so far (each one a new gateway → service connection). */
  connections(): number;
  close(): Promise<void>;
}

/**
 * A TCP relay on 127.0.0.1 in front of `targetPort` that counts the connections the
 * gateway opens: with keep-alive, many auth calls share few connections.
 */
export async function startCountingRelay(targetPort: number): Promise<CountingRelay> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createNetServer((inbound) => {
    count++;
    const outbound = connect({ host: '127.0.0.1', port: targetPort });
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export interface GatewayResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTPS request through the gateway on 127.0.0.1:`port`, for host models.ai.internal
 * (SNI and Host), trusting only the test certificate. No connection reuse.
 */
export async function requestThroughGateway(port: number, opts: { path?: string; method?: string; token?: string; headers?: Record<string, string> } = {}): Promise<GatewayResponse> {
  const ca = await readFile(TLS_CERT);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        servername: RESOURCE_HOST,
        ca,
        agent: false,
        method: opts.method ?? 'GET',
        path: opts.path ?? '/api/2.0/mlflow/registered-models/list',
        headers: { host: `${RESOURCE_HOST}:${port}`, ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.headers ?? {}) },
        timeout: 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to the gateway on port ${port} timed out`)));
    req.on('error', reject);
    req.end();
  });
}


/** Removes the temp directories. */
export async function removeAll(dirs: string[]): Promise<void> {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}
