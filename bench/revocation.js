// 5. Revocation latency (issue #6): a posture regression on the device → the first request
// denied at the gateway. D devices, each the real agent daemon loop with its watcher, behind
// real nginx (auth_request) in front of the posture service (child process) with CAEP push
// to a receiver in this process. Per round and device: compliant baseline, a client loop
// through the gateway every ~50 ms with the token the agent holds, the machine switched
// to a regressed bundle at a random phase of the watcher, then back (again at a random
// phase); recorded: the first deny, the not-compliant SET's arrival, and the first 200
// after the fix (the token is still valid, so access returns once the state is compliant).
// Every answer is checked: 200 before the regression, denied from the first deny until
// the fix, 200 once access is back; a transport error, a 5xx or any other answer fails.
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_WATCH_INTERVAL_MS, WATCH_TRIGGER_POLICY } from '../dist/src/agent/watch/index.js';
import { agentPlatform, BUNDLE_SOURCES, loadBenchBundles, startAgentDevice } from './lib/revocation-devices.js';
import { freePort } from './lib/net.js';
import { gatewayClient, nginxAvailability, startEchoUpstream, startNginx } from './lib/revocation-gateway.js';
import { prepareRevocationDir, RESOURCE, startCaepReceiver, startRevocationService } from './lib/revocation-service.js';
import { percentile } from './lib/stats.js';
import { machineBusy } from './lib/system-load.js';

const DEVICES = 10;
const ROUNDS = 3;
const REQUEST_PERIOD_MS = 50;
const GOAL_P95_S = 10;
/** How long a round waits for the deny, the SET or the recovery before it counts as missing. */
const TIMEOUT_MS = 20_000;
/** Requests after the first 200 again that must all be 200 too. */
const AFTER_ALLOW_MS = 150;

/** A client loop: one request every ~`periodMs` (one in flight), each answer recorded with its send and arrival time. */
function startClientLoop(client, token, periodMs) {
  const records = [];
  const waiters = new Set();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const sentAt = performance.now();
      let rec;
      try {
        rec = { sentAt, status: await client.send(token), at: performance.now() };
      } catch (e) {
        rec = { sentAt, error: e instanceof Error ? e.message : String(e), at: performance.now() };
      }
      records.push(rec);
      for (const w of waiters) w(rec);
      const wait = periodMs - (performance.now() - sentAt);
      if (wait > 0 && !stopped) await sleep(wait);
    }
  })();
  return {
    records,
    waitFor(match, timeoutMs) {
      const seen = records.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => {
        const done = (r) => {
          clearTimeout(timer);
          waiters.delete(onRecord);
          resolve(r);
        };
        const onRecord = (r) => {
          if (match(r)) done(r);
        };
        const timer = setTimeout(() => done(undefined), timeoutMs);
        waiters.add(onRecord);
      });
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

const isDeny = (s) => s === 401 || s === 403;

/**
 * One regression and recovery of one device, starting from its compliant attestation that
 * ended after `since` (the previous round's fix); returns the times (ms), the fix time and
 * every problem seen.
 */
async function runRound(device, since, { client, receiver, intervalMs, settleMs }) {
  const problems = [];
  const baseline = await device.waitAttested((a) => a.decision === 'allow', since, TIMEOUT_MS);
  if (!baseline) return { problems: [`no compliant baseline attestation within ${TIMEOUT_MS / 1000} s`] };
  // Let the loop settle (watcher resumed) and stay clear of the watcher's flap limit.
  await sleep(Math.max(0, baseline.at + settleMs - performance.now()));
  const last = device.attestations.at(-1);
  if (last !== baseline) return { problems: [`attested again (${last.earStatus}) while settling`] };
  const loop = startClientLoop(client, await device.token(), REQUEST_PERIOD_MS);
  let t0;
  let t1;
  let deny;
  let set;
  let allow;
  try {
    await loop.waitFor(() => true, TIMEOUT_MS);
    // The regression falls at a random phase of the watcher's interval.
    await sleep(Math.random() * intervalMs);
    t0 = performance.now();
    device.set('regressed');
    deny = await loop.waitFor((r) => r.at >= t0 && isDeny(r.status), TIMEOUT_MS);
    if (!deny) problems.push(`no denied request within ${TIMEOUT_MS / 1000} s of the regression`);
    set = await receiver.waitFor(device.deviceId, 'not-compliant', t0, deny ? TIMEOUT_MS : 0);
    if (!set) problems.push(`no not-compliant CAEP SET within ${TIMEOUT_MS / 1000} s of the regression`);
    // The fix too comes at a random phase (otherwise it would always fall just after the
    // watcher restarted with the regressed baseline, one full interval before its next reading).
    await sleep(Math.random() * intervalMs);
    t1 = performance.now();
    device.set('compliant');
    allow = await loop.waitFor((r) => r.sentAt >= t1 && r.status === 200, TIMEOUT_MS);
    if (!allow) problems.push(`no allowed request within ${TIMEOUT_MS / 1000} s of the fix`);
    else await sleep(AFTER_ALLOW_MS);
  } finally {
    await loop.stop();
  }
  // The watcher's re-attestation (recorded when the agent has saved its result, which may be after the deny).
  const reattest = device.attestations.find((a) => a.startedAt >= t0);
  let errors = 0;
  for (const r of loop.records) {
    const bad = r.error ? `transport error: ${r.error}` : r.status !== 200 && !isDeny(r.status) ? `status ${r.status}` : undefined;
    const inconsistent = bad ? undefined
      : r.sentAt < t0 && r.status !== 200 ? `${r.status} before the regression`
        : deny && r.sentAt > deny.at && r.at < t1 && r.status === 200 ? '200 after the first deny, before the fix'
          : allow && r.sentAt > allow.at && r.status !== 200 ? `${r.status} after access came back`
            : undefined;
    if (bad || inconsistent) {
      errors++;
      if (errors <= 3) problems.push(bad ?? inconsistent);
    }
  }
  return {
    fixedAt: t1,
    problems,
    errors,
    requests: loop.records.length,
    denyMs: deny ? deny.at - t0 : undefined,
    setMs: set ? set.at - t0 : undefined,
    allowMs: allow ? allow.at - t1 : undefined,
    detectMs: reattest ? reattest.startedAt - t0 : undefined,
    startToDenyMs: reattest && deny ? deny.at - reattest.startedAt : undefined,
  };
}

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const pcts = (xs) => ({ n: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95), max: xs.length ? Math.max(...xs) : Number.NaN });

export async function benchRevocation() {
  const platform = agentPlatform();
  const intervalMs = DEFAULT_WATCH_INTERVAL_MS[platform];
  const settleMs = WATCH_TRIGGER_POLICY.minGapMs;
  if (2 * ROUNDS > WATCH_TRIGGER_POLICY.maxPerWindow) throw new Error('more rounds than the watcher\'s flap limit allows a minute');
  const nginx = nginxAvailability();
  console.log(`\n5. revocation latency: regression on the device → first denied request at the gateway (goal p95 <= ${GOAL_P95_S} s)`);
  console.log(`   ${DEVICES} devices x ${ROUNDS} rounds, concurrently, each device the real agent daemon loop (cmdRun from dist, in this process)`);
  console.log(`   with --watch-interval ${intervalMs / 1000} s (DEFAULT_WATCH_INTERVAL_MS.${platform}); the only substitution: its collectors (full`);
  console.log(`   attestation and watcher readings, injected as attest/collectWatched) read a switchable replay bundle, not this machine`);
  console.log(`   bundles: compliant = ${BUNDLE_SOURCES.compliant} (composed from real captures; process list synthetic)`);
  console.log(`            regression = the same with ${BUNDLE_SOURCES.regressedRecord} from ${BUNDLE_SOURCES.regressedStdout} (FileVault off, SYNTHETIC)`);
  console.log(nginx.available
    ? `   gateway: ${nginx.version} (auth_request; examples/gateways/nginx.conf rendered; HTTPS on 127.0.0.1) → service (child process), echo upstream`
    : `   gateway: none (${nginx.reason}): decisions asked of the service directly`);
  console.log(`   client: one request every ~${REQUEST_PERIOD_MS} ms per device with the token it held while compliant; the regression at a random`);
  console.log(`   phase (uniform over one watch interval, >= ${settleMs / 1000} s after the last attestation: the watcher's flap gap), the fix`);
  console.log(`   at a random phase after the deny; CAEP SETs pushed to a receiver in this process`);

  const busy = machineBusy();
  const tStart = performance.now();
  const receiver = await startCaepReceiver();
  const dir = await prepareRevocationDir({ codes: DEVICES, receiverEndpoint: receiver.endpoint });
  const bundles = await loadBenchBundles();
  const cleanups = [];
  let results;
  let target;
  let upstreamSeen = () => 0;
  try {
    const service = await startRevocationService(dir, await freePort());
    cleanups.push(() => service.stop());
    if (nginx.available) {
      const upstream = await startEchoUpstream();
      cleanups.push(() => upstream.close());
      const gw = await startNginx({ servicePort: new URL(service.url).port, gatewayKey: dir.gatewayKey, upstreamPort: upstream.port });
      cleanups.push(() => gw.stop());
      target = { kind: 'nginx', port: gw.port };
      upstreamSeen = () => upstream.seen();
    } else {
      target = { kind: 'direct', serviceUrl: service.url, gatewayKey: dir.gatewayKey };
    }
    const devices = await Promise.all(dir.enrollmentCodes.map((code) => startAgentDevice({ serviceUrl: service.url, code, intervalMs, bundles, resource: RESOURCE })));
    cleanups.push(async () => {
      const codes = await Promise.all(devices.map((d) => d.stop()));
      const bad = codes.findIndex((c) => c !== 0);
      if (bad >= 0) console.log(`   note: the agent of device ${devices[bad].deviceId} stopped with ${codes[bad]}: ${devices[bad].log().slice(-3).join(' | ')}`);
    });
    results = await Promise.all(devices.map(async (device) => {
      const client = gatewayClient(target);
      const out = [];
      try {
        let since = 0;
        for (let r = 0; r < ROUNDS; r++) {
          const round = await runRound(device, since, { client, receiver, intervalMs, settleMs });
          out.push({ device, ...round });
          if (round.fixedAt === undefined) break;
          since = round.fixedAt;
        }
      } finally {
        client.close();
      }
      return out;
    }));
  } finally {
    for (const c of cleanups.reverse()) await c();
    await receiver.close();
    await rm(dir.dataDir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - tStart) / 1000;
  const busyCores = busy.stop() / seconds;
  const rounds = results.flat();
  const pick = (k) => rounds.map((r) => r[k]).filter((x) => x !== undefined);
  const deny = pcts(pick('denyMs'));
  const set = pcts(pick('setMs'));
  const allow = pcts(pick('allowMs'));
  const detect = pcts(pick('detectMs'));
  const startToDeny = pcts(pick('startToDenyMs'));
  const errors = rounds.reduce((a, r) => a + (r.errors ?? 0), 0);
  const requests = rounds.reduce((a, r) => a + (r.requests ?? 0), 0);
  const problems = rounds.flatMap((r) => r.problems.map((p) => `${r.device.deviceId}: ${p}`));
  const met = deny.n === rounds.length && deny.p95 <= GOAL_P95_S * 1000;
  console.log(`   ${rounds.length} regressions in ${seconds.toFixed(0)} s; ${requests.toLocaleString('en-US')} requests through the ${target.kind === 'nginx' ? 'gateway' : 'service'}, ${errors} errors` +
    `${target.kind === 'nginx' ? ` (${upstreamSeen().toLocaleString('en-US')} reached the upstream)` : ''}; all processes on the machine (this figure's included) busy ${busyCores.toFixed(2)} cores on average`);
  console.log(`   regression → first deny ${target.kind === 'nginx' ? 'at the gateway' : 'by the service (no gateway)'}: p50 ${s(deny.p50)}, p95 ${s(deny.p95)}, max ${s(deny.max)} (${deny.n} of ${rounds.length})  goal p95 <= ${GOAL_P95_S} s: ${met ? 'met' : 'MISSED'}`);
  console.log(`     of which: watcher detection (switch → its re-attestation starts) p50 ${s(detect.p50)}, p95 ${s(detect.p95)};`);
  console.log(`     re-attestation starts → first deny (attestation round trip + the next ~${REQUEST_PERIOD_MS} ms request) p50 ${startToDeny.p50.toFixed(0)} ms, p95 ${startToDeny.p95.toFixed(0)} ms`);
  console.log(`   regression → not-compliant CAEP SET at the receiver: p50 ${s(set.p50)}, p95 ${s(set.p95)} (${set.n} of ${rounds.length})`);
  console.log(`   fix → access back (first 200 with the same token): p50 ${s(allow.p50)}, p95 ${s(allow.p95)} (${allow.n} of ${rounds.length}; the fix at a random phase too)`);
  if (problems.length > 0) {
    for (const p of problems.slice(0, 10)) console.log(`   PROBLEM ${p}`);
    if (problems.length > 10) console.log(`   … and ${problems.length - 10} more`);
    throw new Error(`revocation figure failed: ${errors} request errors, ${problems.length} problems`);
  }
  return { deny, set, allow, detect, startToDeny, errors, requests, regressions: rounds.length, met, intervalMs, gateway: target.kind === 'nginx' ? nginx.version : 'none (service directly)', devices: DEVICES, rounds: ROUNDS };
}
