// The gateway of the revocation figure: real nginx with `auth_request` (the shipped
// examples/gateways/nginx.conf rendered as test/e2e/nginx.test.ts does, HTTPS with the
// test certificate, a temp prefix, 127.0.0.1 only) in front of the posture service and an
// echo upstream; or, when nginx (with auth_request) is not installed, the service's
// forward-auth endpoint asked directly, and the figure says so. Loopback only.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUTHZ } from './fleet.js';
import { RESOURCE, RESOURCE_HOST } from './revocation-service.js';
import { nginxMainConfig, renderTemplate, startGatewayProcess } from './gateway-process.js';
import { freePort } from './net.js';

export const NGINX = '/usr/sbin/nginx';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TLS_CERT = join(ROOT, 'test', 'fixtures', 'e2e', 'tls', 'gateway-test.crt');
const TLS_KEY = join(ROOT, 'test', 'fixtures', 'e2e', 'tls', 'gateway-test.key');
const NGINX_TEMPLATE = join(ROOT, 'examples', 'gateways', 'nginx.conf');
/** What the client asks of the protected resource. */
const RESOURCE_PATH = '/api/2.0/mlflow/registered-models/get?name=llm-7b';


/**
 * nginx's version when it is installed with the auth_request module, else why not
 * (`nginx -V` prints to stderr).
 */
export function nginxAvailability() {
  if (!existsSync(NGINX)) return { available: false, reason: 'nginx not installed' };
  const out = spawnSync(NGINX, ['-V'], { encoding: 'utf8', timeout: 5000 });
  const text = `${out.stdout ?? ''}${out.stderr ?? ''}`;
  if (!text.includes('--with-http_auth_request_module')) return { available: false, reason: 'nginx has no auth_request module' };
  return { available: true, version: /nginx version: (\S+)/.exec(text)?.[1] ?? 'nginx' };
}


/** The protected application: 200 with a small JSON echo of what the gateway forwarded. */
export async function startEchoUpstream() {
  let seen = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, device: req.headers['x-posture-device'] ?? null }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    seen: () => seen,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}


/**
 * Real nginx in a temp prefix on 127.0.0.1:`port`, the shipped site config rendered with
 * the service, the gateway key and the upstream. Resolves once the port accepts.
 * @throws Error with nginx's output when it exits or does not listen within 8 s.
 */
export async function startNginx({ servicePort, gatewayKey, upstreamPort }) {
  const prefix = await mkdtemp(join(tmpdir(), 'posture-bench-nginx-'));
  // Workers drop root to `nobody`; they must reach the temp paths under the prefix.
  await chmod(prefix, 0o755);
  const port = await freePort();
  const site = renderTemplate(await readFile(NGINX_TEMPLATE, 'utf8'), {
    LISTEN: `127.0.0.1:${port}`, SERVER_NAME: RESOURCE_HOST, TLS_CERT, TLS_KEY, POSTURE_SERVICE: `127.0.0.1:${servicePort}`,
    RESOURCE, GATEWAY_API_KEY: gatewayKey, UPSTREAM: `127.0.0.1:${upstreamPort}`,
  });
  await writeFile(join(prefix, 'posture-gateway.conf'), site);
  // The main context around the example (which holds only http-level blocks), as in the e2e test.
  await writeFile(join(prefix, 'nginx.conf'), nginxMainConfig(prefix));
  let gateway;
  try {
    gateway = await startGatewayProcess(NGINX, ['-p', prefix, '-e', 'stderr', '-c', join(prefix, 'nginx.conf'), '-g', `daemon off; pid ${prefix}/nginx.pid; error_log stderr;`], port);
  } catch (e) {
    await rm(prefix, { recursive: true, force: true });
    throw e;
  }
  const stop = async () => {
    await gateway.stop();
    await rm(prefix, { recursive: true, force: true });
  };
  return { port, output: gateway.output, stop };
}

/**
 * A client of the protected resource for one device: `send(token)` resolves to the
 * status of one GET (the body is read and dropped), or rejects on a transport error.
 * Through nginx: HTTPS to 127.0.0.1 with SNI and Host models.ai.internal, trusting only
 * the test certificate, one kept-alive connection. Direct: the forward-auth request a
 * gateway would send to the service, with the gateway key.
 */
export function gatewayClient(target) {
  if (target.kind === 'nginx') {
    const agent = new HttpsAgent({ keepAlive: true, maxSockets: 1, ca: readFileSync(TLS_CERT), servername: RESOURCE_HOST });
    const send = (token) => roundTrip(httpsRequest, {
      host: '127.0.0.1', port: target.port, servername: RESOURCE_HOST, agent, method: 'GET', path: RESOURCE_PATH,
      headers: { host: RESOURCE_HOST, authorization: `Bearer ${token}` },
    });
    return { send, close: () => agent.destroy() };
  }
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(target.serviceUrl);
  const send = (token) => roundTrip(httpRequest, { host: '127.0.0.1', port: url.port, agent, method: 'GET', path: AUTHZ.path, headers: AUTHZ.headers(target.gatewayKey, token) });
  return { send, close: () => agent.destroy() };
}

function roundTrip(request, options) {
  return new Promise((resolve, reject) => {
    const req = request({ ...options, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out after 5 s')));
    req.on('error', reject);
    req.end();
  });
}
