/**
 * `npm run demo`: the whole flow on this machine, on the embedded defaults. Starts the
 * posture service (SQLite, example policy) on a free loopback port, enrols the headless
 * agent with a one-time code, attests this machine's real posture, prints the verdict
 * per AI-factory resource, asks the forward-auth endpoint as a gateway would, and
 * cleans up after itself.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as agentMain } from '../agent/cli.js';
import { resolveConfig } from '../service/config.js';
import { serviceMain } from '../service/cli.js';
import { startService } from '../service/server.js';

const out = (s: string): void => void process.stdout.write(s);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Runs a CLI in-process, capturing its output. */
async function capture(run: (io: { stdout: (s: string) => void; stderr: (s: string) => void }) => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run({ stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}

function step(n: number, title: string): void {
  out(`\n\u001b[1m${n}. ${title}\u001b[0m\n`);
}

function indent(text: string): string {
  return text.trimEnd().split('\n').map((l) => `   ${l}`).join('\n') + '\n';
}

/** Runs the demo; resolves with 0 on success. */
export async function runDemo(): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), 'posture-demo-'));
  const dataDir = join(root, 'service');
  const agentHome = join(root, 'agent');
  const agentEnv = { ...process.env, POSTURE_AGENT_HOME: agentHome, NO_COLOR: '1' };
  const port = await freePort();
  const config = resolveConfig({ port: String(port), 'data-dir': dataDir, 'log-level': 'silent' }, {});
  const service = await startService(config);
  try {
    step(1, 'Posture service');
    out(indent(`listening on ${service.url}\nstore: SQLite at ${join(dataDir, 'posture.db')}\npolicy: ${config.policyPath}`));

    step(2, 'An admin issues a one-time enrolment code and a gateway API key');
    const token = await capture((io) => serviceMain(['enroll-token', '--user', 'alice', '--groups', 'data-scientists', '--ttl', '15m', '--data-dir', dataDir], { ...io, env: {} }));
    if (token.code !== 0) throw new Error(token.stderr);
    const code = token.stdout.trim().split(/\s+/).at(-1) ?? '';
    out(indent(token.stdout));
    const gw = await capture((io) => serviceMain(['api-key', 'create', '--scope', 'gateway', '--resources', '*', '--label', 'demo-nginx', '--data-dir', dataDir], { ...io, env: {} }));
    if (gw.code !== 0) throw new Error(gw.stderr);
    const gatewayKey = gw.stdout.trim().split(/\s+/).at(-1) ?? '';
    out(indent(gw.stdout.replace(gatewayKey, `${gatewayKey.slice(0, 20)}…`)));

    step(3, 'The headless agent enrols this machine (device key + proof of possession)');
    const agentIo = (io: { stdout: (s: string) => void; stderr: (s: string) => void }) => ({ ...io, env: agentEnv, isTty: false });
    const enrol = await capture((io) => agentMain(['enroll', '--service', service.url, '--code', code], agentIo(io)));
    if (enrol.code !== 0) throw new Error(enrol.stderr);
    out(indent(enrol.stdout));

    step(4, "This machine's real posture, checked locally");
    const check = await capture((io) => agentMain(['check'], agentIo(io)));
    out(indent(check.stdout));

    step(5, 'The agent attests (signed EAT evidence) and the service decides per resource');
    const attest = await capture((io) => agentMain(['attest'], agentIo(io)));
    if (attest.code === 3) throw new Error(attest.stderr);
    out(indent(attest.stdout));

    step(6, 'A gateway asks the forward-auth endpoint, as nginx auth_request would');
    const tok = await capture((io) => agentMain(['token'], agentIo(io)));
    const postureToken = tok.stdout.trim();
    for (const [resource, path] of [['jupyter-hub', '/hub/home'], ['training-cluster', '/api/v1/jobs']] as const) {
      const res = await fetch(`${service.url}/authz/v1/${resource}${path}`, {
        headers: { authorization: `Bearer ${postureToken}`, 'x-posture-api-key': gatewayKey, 'x-forwarded-method': 'GET', 'x-forwarded-uri': path },
      });
      const body = res.status === 200 ? '' : await res.text();
      const detail = res.status === 200 ? `device ${res.headers.get('x-posture-device')}, user ${res.headers.get('x-posture-user')}, status ${res.headers.get('x-posture-status')}` : summarizeProblem(body);
      out(indent(`GET ${resource}${path} -> ${res.status} ${res.status === 200 ? 'ALLOW' : 'DENY'}: ${detail}`));
    }
    const noToken = await fetch(`${service.url}/authz/v1/jupyter-hub/`, { headers: { 'x-posture-api-key': gatewayKey } });
    out(indent(`GET jupyter-hub/ without a posture token -> ${noToken.status} (${noToken.headers.get('www-authenticate')})`));

    step(7, 'Cleaning up');
    out(indent(`stopped the service and removed ${root}`));
    out('\nNext: README.md explains enrolling real workstations, writing the policy and wiring nginx, Envoy, Traefik or Caddy.\n');
    return 0;
  } finally {
    await service.close();
    await rm(root, { recursive: true, force: true });
  }
}

function summarizeProblem(body: string): string {
  try {
    const p = JSON.parse(body) as { title?: string; detail?: string; reasons?: string[] };
    return `${p.detail ?? p.title ?? ''}${p.reasons?.length ? ` [${p.reasons.join(', ')}]` : ''}`;
  } catch {
    return body.slice(0, 200);
  }
}
