// Soak traffic: open-loop (fixed-rate) attestations and forward-auth requests, each
// response checked against what its request class must get. Only 127.0.0.1.
import { Agent, request } from 'node:http';
import { buildEvidenceClaims, signEvidence } from '../../dist/src/agent/attestation/evidence.js';
import { EAT_JWT_MEDIA_TYPE } from '../../dist/src/shared/claims.js';
import { AUTHZ, PUBLIC_URL, compliantReport } from './fleet.js';
import { percentile, Samples } from './stats.js';

/** A request that has no answer after this long counts as a timeout error. */
export const REQUEST_TIMEOUT_MS = 5_000;

/** Counts, errors by kind (with the first few examples) and latencies of one request class. */
export class ClassStats {
  constructor(name, expect) {
    this.name = name;
    this.expect = expect;
    this.sent = 0;
    this.ok = 0;
    /** 201 answers to attestations, whatever the checks found (each must be a stored row). */
    this.acked = 0;
    this.errors = {};
    this.examples = [];
    this.latencies = new Samples(1 << 14);
  }
  pass(ms) {
    this.ok++;
    this.latencies.push(ms);
  }
  fail(kind, detail) {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
    if (this.examples.length < 5) this.examples.push(`${kind}: ${String(detail).slice(0, 200)}`);
  }
  get errorCount() {
    return Object.values(this.errors).reduce((a, b) => a + b, 0);
  }
  summary(seconds) {
    const l = this.latencies.values();
    return {
      class: this.name, expect: this.expect, sent: this.sent, ok: this.ok, errors: this.errorCount, errorKinds: { ...this.errors },
      examples: [...this.examples], rate: this.ok / seconds, p50Ms: percentile(l, 50), p99Ms: percentile(l, 99), maxMs: percentile(l, 100),
    };
  }
}

/**
 * One HTTP request with a timeout. Resolves to {status, headers, body, ms} or to
 * {error: 'transport'|'timeout', detail}; never rejects.
 */
export function send(agent, base, method, path, headers, body) {
  const url = new URL(path, base);
  if (url.hostname !== '127.0.0.1') throw new Error('soak requests go to 127.0.0.1 only');
  return new Promise((resolve) => {
    const t0 = performance.now();
    let done = false;
    const finish = (r) => {
      if (done) return;
      done = true;
      resolve(r);
    };
    const req = request(url, { method, agent, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => finish({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
      res.on('error', (e) => finish({ error: 'transport', detail: e.message }));
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => {
      finish({ error: 'timeout', detail: `${method} ${path}: no answer in ${REQUEST_TIMEOUT_MS} ms` });
      req.destroy();
    });
    req.on('error', (e) => finish({ error: 'transport', detail: `${method} ${path}: ${e.message}` }));
    req.end(body);
  });
}

/** Records `r` in `stats`: transport errors, timeouts, 5xx and other statuses, then `check(r)` (a string = failed). */
export function record(stats, r, expectedStatus, check) {
  if (r.error) return stats.fail(r.error, r.detail), false;
  if (r.status >= 500) return stats.fail('5xx', `${r.status} ${r.body}`), false;
  if (r.status !== expectedStatus) return stats.fail('status', `${r.status} (expected ${expectedStatus}) ${r.body}`), false;
  let bad;
  try {
    bad = check?.(r);
  } catch (e) {
    bad = `unreadable answer (${e.message}): ${r.body.slice(0, 100)}`;
  }
  if (bad) return stats.fail('check', bad), false;
  stats.pass(r.ms);
  return true;
}

/** Evidence over a compliant report, or one whose system disk is not encrypted. */
function signedEvidence(device, nonce) {
  const now = new Date();
  let report = compliantReport(now);
  if (!device.compliant) {
    const facts = { volumes: [{ mount: '/', device: '/dev/sda2', system: true, encrypted: false, state: 'off' }], systemVolumeEncrypted: false };
    report = { ...report, overall: 'fail', checks: report.checks.map((c) => (c.id === 'disk_encryption' ? { ...c, status: 'fail', facts } : c)) };
  }
  const claims = buildEvidenceClaims({
    report, deviceId: device.deviceId, audience: PUBLIC_URL, nonce,
    software: { name: 'posture-agent', version: 'soak' }, device: { platform: 'linux', arch: 'x64' }, now,
  });
  return signEvidence(claims, { privateKey: device.privateKey, kid: device.kid });
}

/**
 * One attestation as the agent makes it: POST /v1/challenges → fresh evidence signed
 * with the device key → POST /v1/attestations, expecting 201 both times and the verdict
 * the device's report deserves. Updates the device's posture token.
 */
export async function attestCycle(agent, base, device, stats) {
  const xff = { 'x-forwarded-for': device.address };
  stats.challenge.sent++;
  const c = await send(agent, base, 'POST', '/v1/challenges', xff);
  let nonce;
  const okChallenge = record(stats.challenge, c, 201, (r) => {
    try {
      nonce = JSON.parse(r.body).nonce;
    } catch {
      return `challenge body is not JSON: ${r.body}`;
    }
    return typeof nonce === 'string' && nonce.length > 0 ? undefined : `no nonce in ${r.body}`;
  });
  if (!okChallenge) return;
  const evidence = await signedEvidence(device, nonce);
  stats.attestation.sent++;
  const a = await send(agent, base, 'POST', '/v1/attestations', { ...xff, 'content-type': EAT_JWT_MEDIA_TYPE }, evidence);
  if (a.status === 201) stats.attestation.acked++;
  const want = device.compliant ? 'allow' : 'deny';
  let body;
  const ok = record(stats.attestation, a, 201, (r) => {
    try {
      body = JSON.parse(r.body);
    } catch {
      return `attestation body is not JSON: ${r.body.slice(0, 100)}`;
    }
    if (body.device_id !== device.deviceId) return `device_id ${body.device_id} != ${device.deviceId}`;
    if (typeof body.posture_token !== 'string') return 'no posture_token';
    const got = body.resources?.[AUTHZ.resource]?.decision;
    return got === want ? undefined : `${AUTHZ.resource}: ${got} (expected ${want})`;
  });
  if (ok) {
    device.token = body.posture_token;
    device.earStatus = body.ear_status;
  }
}

const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

/**
 * One forward-auth request of the mix, as a gateway sends it: request `k` of every 20 is
 * 18 x a compliant device's token (200 + X-Posture-* headers), 1 x a non-compliant
 * device's token (403 posture-noncompliant problem+json with reasons), 1 x no token
 * (401 with WWW-Authenticate). Always the gateway's API key.
 */
export async function authzRequest(agent, base, k, fleet, gatewayKey, stats) {
  const slot = k % 20;
  if (slot === 19) {
    const { authorization: _omit, ...headers } = AUTHZ.headers(gatewayKey, '');
    stats.noToken.sent++;
    const r = await send(agent, base, 'GET', AUTHZ.path, headers);
    record(stats.noToken, r, 401, (x) => (/^Bearer /.test(x.headers['www-authenticate'] ?? '') && x.headers['x-posture-problem'] === 'posture-token-invalid'
      ? undefined : `401 without Bearer challenge or with problem ${x.headers['x-posture-problem']}`));
    return;
  }
  if (slot === 18) {
    const d = pick(fleet.nonCompliant);
    stats.deny.sent++;
    const r = await send(agent, base, 'GET', AUTHZ.path, AUTHZ.headers(gatewayKey, d.token));
    record(stats.deny, r, 403, (x) => {
      if (x.headers['x-posture-problem'] !== 'posture-noncompliant') return `403 with problem ${x.headers['x-posture-problem']} ${x.body}`;
      if (!String(x.headers['content-type']).startsWith('application/problem+json')) return `403 content-type ${x.headers['content-type']}`;
      const reasons = JSON.parse(x.body).reasons;
      return Array.isArray(reasons) && reasons.length > 0 ? undefined : `403 without reasons: ${x.body}`;
    });
    return;
  }
  const d = pick(fleet.compliant);
  stats.allow.sent++;
  const r = await send(agent, base, 'GET', AUTHZ.path, AUTHZ.headers(gatewayKey, d.token));
  record(stats.allow, r, 200, (x) => {
    if (x.headers['x-posture-device'] !== d.deviceId) return `X-Posture-Device ${x.headers['x-posture-device']} != ${d.deviceId}`;
    if (x.headers['x-posture-user'] === undefined || x.headers['x-posture-status'] !== d.earStatus) return `X-Posture-User/Status ${x.headers['x-posture-user']}/${x.headers['x-posture-status']}`;
    return x.body.length === 0 ? undefined : `allow with a body: ${x.body.slice(0, 100)}`;
  });
}

/**
 * Calls `fire(k)` at a fixed rate (open loop: the schedule does not wait for answers),
 * until `stop()`; resolves when every fired promise has settled. Records how late each
 * call left against its schedule (the generator's own lag) in `lag`.
 */
export function pace(rate, fire, lag) {
  const pending = new Set();
  const t0 = performance.now();
  let k = 0;
  let stopped = false;
  let timer;
  const tick = () => {
    const now = performance.now();
    const due = Math.floor(((now - t0) * rate) / 1000);
    for (; k < due && !stopped; k++) {
      lag.push(now - (t0 + (k * 1000) / rate));
      const p = fire(k).finally(() => pending.delete(p));
      pending.add(p);
    }
    if (!stopped) timer = setTimeout(tick, 1);
  };
  tick();
  return {
    get fired() {
      return k;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.allSettled([...pending]);
      return performance.now() - t0;
    },
  };
}

/** Keep-alive connection pools: one for the gateway's forward-auth requests, one for the agents. */
export function soakAgents() {
  return { gateway: new Agent({ keepAlive: true, maxSockets: 64 }), devices: new Agent({ keepAlive: true, maxSockets: 64 }) };
}
