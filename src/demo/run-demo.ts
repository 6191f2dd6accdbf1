/**
 * `npm run demo`: the whole flow on this machine, on the embedded defaults. Starts the
 * posture service (SQLite, example policy) on a free loopback port, enrols the headless
 * agent with a one-time code, attests this machine's real posture, prints the verdict
 * per AI-factory resource, asks the forward-auth endpoint as a gateway would, shows the
 * event trail (OCSF lines for a SIEM, CAEP SETs for gateways), and cleans up after itself.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as agentMain } from '../agent/cli.js';
import { resolveConfig } from '../service/config.js';
import { serviceMain } from '../service/cli.js';
import { startService } from '../service/server.js';

import { decodeJwt } from 'jose';
import { CAEP_DEVICE_COMPLIANCE_CHANGE } from '../shared/api.js';

/** Where the demo writes (stdout by default; tests capture it). */
let out = (s: string): void => void process.stdout.write(s);

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

/** Runs the demo; resolves with 0 on success. `write` replaces stdout (tests) for this run. */
export async function runDemo(opts: { write?: (s: string) => void } = {}): Promise<number> {
  const previous = out;
  if (opts.write) out = opts.write;
  try {
    return await demo();
  } finally {
    out = previous;
  }
}

async function demo(): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), 'posture-demo-'));
  const dataDir = join(root, 'service');
  const agentHome = join(root, 'agent');
  const agentEnv = { ...process.env, POSTURE_AGENT_HOME: agentHome, NO_COLOR: '1' };
  const port = await freePort();
  // Events also go to an OCSF file (what a SIEM would ingest), users pseudonymised.
  const ocsfFile = join(root, 'ocsf.jsonl');
  const eventsConfig = join(root, 'events.yaml');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(eventsConfig, `ocsf:\n  pseudonymize_users: true\n  sinks:\n    - name: demo-siem\n      file: ${JSON.stringify(ocsfFile)}\n`);
  const config = resolveConfig({ port: String(port), 'data-dir': dataDir, 'log-level': 'silent', 'events-config': eventsConfig }, {});
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
    const askGateway = () => fetch(`${service.url}/authz/v1/jupyter-hub/hub/home`, { headers: { authorization: `Bearer ${postureToken}`, 'x-posture-api-key': gatewayKey } });
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

    step(7, 'An admin revokes the device: the next request is denied, and gateways get a CAEP event');
    const deviceId = /enrolled as (\S+)/.exec(enrol.stdout)?.[1] ?? '';
    const revoke = await capture((io) => serviceMain(['devices', 'revoke', deviceId, '--data-dir', dataDir], { ...io, env: {} }));
    if (revoke.code !== 0) throw new Error(revoke.stderr);
    out(indent(revoke.stdout));
    // The CLI wrote to the database from another connection: the service's change feed sees it within 250 ms.
    let after = await askGateway();
    for (let i = 0; i < 40 && after.headers.get('x-posture-problem') !== 'device-revoked'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await askGateway();
    }
    out(indent(`GET jupyter-hub/hub/home -> ${after.status}: ${after.headers.get('x-posture-problem') ?? ''}`));
    const poll = await fetch(`${service.url}/v1/events/poll`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-posture-api-key': gatewayKey }, body: JSON.stringify({ maxEvents: 10 }) });
    const sets = Object.values(((await poll.json()) as { sets?: Record<string, string> }).sets ?? {});
    const caep = sets.map((t) => (decodeJwt(t).events as Record<string, { current_status?: string; reason_admin?: { en?: string } }> | undefined)?.[CAEP_DEVICE_COMPLIANCE_CHANGE]);
    out(indent(`POST /v1/events/poll -> ${poll.status}: ${sets.length} CAEP device-compliance-change SET(s)${caep.map((e) => `\n  current_status ${e?.current_status ?? '?'}: ${e?.reason_admin?.en ?? ''}`).join('')}`));

    step(8, 'The event trail a SIEM receives (OCSF JSON lines)');
    const lines = await ocsfLines(ocsfFile, (ls) => ls.some((l) => l.class_uid === 6004) && ls.some((l) => l.class_uid === 5019 && /revoked/i.test(l.message ?? '')));
    out(indent(`${lines.length} lines in ${ocsfFile} (user names pseudonymised):\n${lines.map((l) => `  ${l.class_uid} ${l.class_name}: ${l.message ?? ''}`.slice(0, 140)).join('\n')}`));

    step(9, 'Cleaning up');
    out(indent(`stopped the service and removed ${root}`));
    out('\nNext: README.md explains enrolling real workstations, writing the policy and wiring nginx, Envoy, Traefik or Caddy.\n');
    return 0;
  } finally {
    await service.close();
    await rm(root, { recursive: true, force: true });
  }
}

type OcsfLine = { class_uid?: number; class_name?: string; message?: string };

/** The OCSF lines the file sink wrote, once `ready` says so or after 5 s (delivery is asynchronous; denies are written once a second). */
async function ocsfLines(file: string, ready: (lines: OcsfLine[]) => boolean): Promise<OcsfLine[]> {
  const t0 = Date.now();
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    // Whole lines only: the sink may be writing the last one right now.
    const lines = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean).map((l) => JSON.parse(l) as OcsfLine);
    if (ready(lines) || Date.now() - t0 > 5000) return lines;
    await new Promise((r) => setTimeout(r, 100));
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
