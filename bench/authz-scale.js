// 3. Forward-auth latency and rate with 100,000 enrolled devices vs 100, a random
// device's posture token on each request. Devices and their states are bulk-inserted
// with raw SQL in one transaction (the store API enrols one device per transaction
// and needs a real key and code each: minutes for 100k); tokens are pre-issued with
// the service's own key through signPostureToken.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { buildEvidenceClaims } from '../dist/src/agent/attestation/evidence.js';
import { loadServiceKeys } from '../dist/src/service/keys.js';
import { createPolicyRuntime } from '../dist/src/service/policy-runtime.js';
import { newJti, signPostureToken } from '../dist/src/service/posture-token.js';
import { openSqliteStore } from '../dist/src/service/store/sqlite.js';
import { AUTHZ, GROUPS, PUBLIC_URL, USER, compliantReport, http, prepareDataDir } from './lib/fleet.js';
import { describe, interleave, runLoad, summarize } from './lib/load.js';
import { startServiceChild } from './lib/processes.js';

const SAMPLE_TOKENS = 1000;
const CONNECTIONS = 50;
const ROUNDS = 8;
const ROUND_SECONDS = 1;
const WARMUP_SECONDS = 1;
const TOKEN_TTL_S = 600;

/** The state a compliant device gets from the example policy, as POST /v1/attestations computes it. */
async function compliantState(policyPath, now) {
  const runtime = await createPolicyRuntime(policyPath, { onReload: () => undefined, onError: () => undefined });
  try {
    const claims = buildEvidenceClaims({ report: compliantReport(now), deviceId: 'dev_template', audience: PUBLIC_URL, nonce: 'template-nonce', software: { name: 'posture-agent', version: 'bench' }, device: { platform: 'linux', arch: 'x64' }, now });
    const e = runtime.engine().evaluate({ submods: claims.submods, user: USER, groups: GROUPS, attestedAt: now, now, platform: 'linux' });
    return {
      attestedAt: now.getTime(), freshUntil: e.freshUntil, earStatus: e.earStatus, resources: e.resources, segments: e.segments,
      checks: Object.fromEntries(Object.entries(claims.submods).map(([id, s]) => [id, { status: s.status, reasons: s.reasons }])),
      updatedAt: now.getTime(),
    };
  } finally {
    runtime.close();
  }
}

/** N devices with compliant states in one transaction; returns their ids and thumbprints. */
function bulkInsert(dbPath, n, template) {
  const db = new Database(dbPath);
  // A placeholder public key (RFC 7515 A.3): authz never reads it, it matches cnf.jkt against the stored jkt.
  const publicJwk = JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' });
  const insertDevice = db.prepare('INSERT INTO devices (id, jkt, public_jwk, user_name, groups_json, enrolled_at, platform, hostname) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insertState = db.prepare('INSERT INTO device_state (device_id, state_json, updated_at) VALUES (?, ?, ?)');
  const groups = JSON.stringify(GROUPS);
  const devices = [];
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = `dev_${randomBytes(12).toString('base64url')}`;
      const jkt = randomBytes(32).toString('base64url');
      insertDevice.run(id, jkt, publicJwk, USER, groups, template.attestedAt, 'linux', `bench-${i}`);
      const state = { deviceId: id, ...template, resultJti: newJti() };
      insertState.run(id, JSON.stringify(state), template.updatedAt);
      devices.push({ id, jkt, state });
    }
  })();
  db.close();
  return devices;
}

/** A data directory with `n` compliant devices (+1 for warm-up) and 1,000 pre-issued tokens. */
async function prepareCase(n, now, template) {
  const dir = await prepareDataDir();
  const store = openSqliteStore(dir.dbPath);
  const keys = await loadServiceKeys(store, { now: () => now.getTime(), publishRetiredForMs: 720_000 });
  await store.close();
  const t0 = performance.now();
  const devices = bulkInsert(dir.dbPath, n + 1, template);
  const insertS = (performance.now() - t0) / 1000;
  const warmDevice = devices.pop();
  const sign = (d) => signPostureToken(keys, { issuer: PUBLIC_URL, deviceId: d.id, jkt: d.jkt, state: d.state, ttlSeconds: TOKEN_TTL_S, now, build: 'bench' }).then((r) => r.token);
  // 1,000 tokens in both cases: 1,000 random devices of 100k, or each of 100 devices 10 times.
  const pick = n >= SAMPLE_TOKENS ? shuffled(devices).slice(0, SAMPLE_TOKENS) : Array.from({ length: SAMPLE_TOKENS }, (_, i) => devices[i % n]);
  return { n, dir, insertS, tokens: await Promise.all(pick.map(sign)), warmDevice, warmToken: await sign(warmDevice) };
}

/** Starts the service over a prepared case, checks one decision and warms it up. */
async function startCase(c) {
  const service = await startServiceChild(c.dir);
  const headers = AUTHZ.headers(c.dir.gatewayKey, c.warmToken);
  const probe = await http(service.url, 'GET', AUTHZ.path, { headers });
  if (probe.status !== 200 || probe.headers['x-posture-device'] !== c.warmDevice.id) throw new Error(`authz probe: ${probe.status} ${probe.body}`);
  await runLoad({ url: service.url, path: AUTHZ.path, headers, connections: CONNECTIONS, seconds: WARMUP_SECONDS });
  let next = 0;
  return {
    service,
    // Cold: each token once, so each request verifies a token (ES256) and reads its device from SQLite.
    cold: () => runLoad({
      url: service.url, path: AUTHZ.path, headers, connections: CONNECTIONS, amount: SAMPLE_TOKENS / ROUNDS, server: service,
      setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${c.tokens[next++ % c.tokens.length]}` } }),
    }),
    // Steady: a random token of the sample per request.
    steady: () => runLoad({
      url: service.url, path: AUTHZ.path, headers, connections: CONNECTIONS, seconds: ROUND_SECONDS, server: service,
      setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${c.tokens[Math.floor(Math.random() * c.tokens.length)]}` } }),
    }),
  };
}

function shuffled(xs) {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export async function benchAuthzScale() {
  console.log(`\n3. authz with 100,000 enrolled devices vs 100: ${SAMPLE_TOKENS} pre-issued tokens, ${CONNECTIONS} connections; both services`);
  console.log(`   running (child processes), measured in alternating rounds: cold = each token once (${ROUNDS} x ${SAMPLE_TOKENS / ROUNDS}), steady = random token (${ROUNDS} x ${ROUND_SECONDS} s)`);
  const now = new Date();
  const tmp = await prepareDataDir();
  const template = await compliantState(tmp.policyPath, now);
  await rm(tmp.dataDir, { recursive: true, force: true });
  if (template.resources[AUTHZ.resource]?.decision !== 'allow') throw new Error('the template state does not allow the benchmark resource');
  const cases = [await prepareCase(100, now, template), await prepareCase(100_000, now, template)];
  const running = [];
  let cold;
  let steady;
  try {
    for (const c of cases) running.push(await startCase(c));
    cold = (await interleave(running.map((r) => r.cold), ROUNDS)).map(summarize);
    steady = (await interleave(running.map((r) => r.steady), ROUNDS)).map(summarize);
  } finally {
    await Promise.all(running.map((r) => r.service.stop()));
    await Promise.all(cases.map((c) => rm(c.dir.dataDir, { recursive: true, force: true })));
  }
  for (const r of [...cold, ...steady]) {
    if (r.ok !== r.total || r.errors > 0) throw new Error(`authz answered non-200: ${JSON.stringify(r.statuses)}, ${r.errors} errors`);
  }
  cases.forEach((c, i) => {
    console.log(`   ${c.n.toLocaleString('en-US')} devices (bulk insert ${c.insertS.toFixed(1)} s)`);
    console.log(`     cold:   ${describe(cold[i])}`);
    console.log(`     steady: ${describe(steady[i])}`);
  });
  const ratio = {
    steadyP50: steady[1].p50 / steady[0].p50, steadyP99: steady[1].p99 / steady[0].p99, steadyRate: steady[0].rps / steady[1].rps,
    coldP50: cold[1].p50 / cold[0].p50, coldP99: cold[1].p99 / cold[0].p99,
  };
  console.log(`   ratio 100k / 100 (goal <= 1.20): steady p50 ${ratio.steadyP50.toFixed(2)}, p99 ${ratio.steadyP99.toFixed(2)}, req/s (100 / 100k) ${ratio.steadyRate.toFixed(2)}; cold p50 ${ratio.coldP50.toFixed(2)}, p99 ${ratio.coldP99.toFixed(2)}`);
  return { cases, cold, steady, ratio };
}
