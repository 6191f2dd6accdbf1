// 2. Attestations per second end to end (HTTP challenge + POST evidence + verify +
// policy + durable SQLite write + posture token), with 32 concurrent virtual agents,
// against raw jose ES256 jwtVerify per second on one thread. The service runs in a
// child process; the agents (HTTP clients that build and sign evidence with a fresh
// nonce every time) run in this process, so their signing never runs on the service's
// event loop, and the service's own CPU time is reported. The two figures are measured
// in alternating rounds; at the end every acknowledged attestation is counted in SQLite.
import { rm } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { jwtVerify } from 'jose';
import { openSqliteStore } from '../dist/src/service/store/sqlite.js';
import { challenge, deviceAddress, enroll, evidence, postEvidence, prepareDataDir } from './lib/fleet.js';
import { combine, describe, startMeter, summarize } from './lib/load.js';
import { startServiceChild } from './lib/processes.js';
import { Samples } from './lib/stats.js';

const AGENTS = 32;
const ROUNDS = 6;
const ROUND_SECONDS = 1;
const VERIFY_ROUND_SECONDS = 0.4;
const WARMUP_SECONDS = 1;

/** Sequential jose jwtVerify of one evidence token (ES256) in this process. */
async function joseVerify(token, publicKey, seconds) {
  const opts = { algorithms: ['ES256'], typ: 'eat+jwt' };
  let n = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 20; i++) await jwtVerify(token, publicKey, opts);
    n += 20;
  }
  return { n, wall: (performance.now() - t0) / 1000 };
}

/** Every agent loops challenge → sign → POST until `seconds` have passed (then finishes its cycle). */
export async function runAgents(base, devices, seconds, service, round) {
  const meter = await startMeter(service);
  const until = performance.now() + seconds * 1000;
  const latencies = new Samples(1 << 12);
  const statuses = {};
  let errors = 0;
  await Promise.all(devices.map(async (device, i) => {
    for (let cycle = 0; performance.now() < until; cycle++) {
      const address = deviceAddress(i, round * 10_000 + cycle);
      // Several replicas: each agent keeps to one, as a load balancer with affinity would not need to.
      const url = Array.isArray(base) ? base[i % base.length] : base;
      const t0 = performance.now();
      try {
        const nonce = await challenge(url, address);
        const res = await postEvidence(url, await evidence(device, nonce), address);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 201) latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  }));
  return { ...(await meter.stop()), ok: latencies.length, statuses, errors, latencies: latencies.values() };
}

export async function benchAttestations() {
  console.log(`\n2. attestations/s: ${AGENTS} concurrent agents (challenge → sign fresh evidence → POST) in the bench process,`);
  console.log(`   service in a child process; ${ROUNDS} rounds of ${ROUND_SECONDS} s, alternating with ${VERIFY_ROUND_SECONDS} s of the jose baseline`);
  const dir = await prepareDataDir({ codes: AGENTS });
  const service = await startServiceChild(dir);
  const phases = [];
  const verifies = [];
  let warm;
  try {
    const devices = [];
    for (let i = 0; i < AGENTS; i++) devices.push(await enroll(service.url, dir.enrollmentCodes[i], deviceAddress(i)));
    // The baseline verifies a real evidence token of the same size as the agents send.
    const sample = await evidence(devices[0], 'bench-baseline-nonce');
    await joseVerify(sample, devices[0].publicKey, 0.3);
    warm = await runAgents(service.url, devices, WARMUP_SECONDS, service, 0);
    for (let r = 1; r <= ROUNDS; r++) {
      verifies.push(await joseVerify(sample, devices[0].publicKey, VERIFY_ROUND_SECONDS));
      phases.push(await runAgents(service.url, devices, ROUND_SECONDS, service, r));
    }
  } finally {
    await service.stop();
  }
  // Every acknowledged attestation must be durable: count the rows after the service stopped.
  const store = openSqliteStore(dir.dbPath);
  const inDb = await store.countAttestations();
  await store.close();
  // What a steady fleet adds to the database per attestation, for the sizing guide: the
  // history row and the event row with their indexes (jtis are purged within minutes).
  const db = new Database(dir.dbPath);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const bytesOf = (names) => db.prepare(`SELECT COALESCE(SUM(pgsize), 0) AS b FROM dbstat WHERE name IN (${names.map(() => '?').join(', ')})`).get(...names).b;
  const historyBytes = bytesOf(['attestations', 'attestations_device']);
  const eventBytes = bytesOf(['events']);
  const grownBytes = historyBytes + eventBytes;
  db.close();
  await rm(dir.dataDir, { recursive: true, force: true });

  const ours = summarize(combine(phases));
  const verifyRate = verifies.reduce((a, v) => a + v.n, 0) / verifies.reduce((a, v) => a + v.wall, 0);
  const acked = warm.ok + ours.ok;
  const ratio = ours.rps / verifyRate;
  const cpuPerAttestationMs = (ours.serverCpu * ours.seconds * 1000) / ours.ok;
  console.log(`   posture service: ${describe(ours, 'attestations/s')}`);
  console.log(`     (latency = one challenge + attestation cycle as an agent sees it; service CPU ${cpuPerAttestationMs.toFixed(2)} ms per attestation)`);
  console.log(`   jose jwtVerify ES256 alone, one thread: ${Math.round(verifyRate).toLocaleString('en-US')}/s (${(1000 / verifyRate).toFixed(3)} ms each)`);
  console.log(`   ratio service / jwtVerify: ${ratio.toFixed(2)}  (goal >= 0.50)`);
  const failed = ours.total - ours.ok + ours.errors + (Object.values(warm.statuses).reduce((a, b) => a + b, 0) - warm.ok) + warm.errors;
  const bytesPerAttestation = grownBytes / inDb;
  console.log(`   storage: ${Math.round(bytesPerAttestation)} bytes of database per attestation (history ${Math.round(historyBytes / inDb)} + event ${Math.round(eventBytes / inDb)}, with indexes; one device attesting every 5 min: ${((bytesPerAttestation * 288) / 1024).toFixed(0)} KiB/day)`);
  console.log(`   durability: ${acked.toLocaleString('en-US')} acknowledged (incl. ${warm.ok} warm-up), ${inDb.toLocaleString('en-US')} rows in the attestations table, ${failed} failed`);
  if (inDb !== acked) throw new Error(`acknowledged ${acked} attestations but ${inDb} are in the database`);
  if (failed > 0) throw new Error(`${failed} attestations failed: ${JSON.stringify(ours.statuses)}`);
  return { ours, verifyRate, ratio, acked, inDb, cpuPerAttestationMs, bytesPerAttestation, historyBytesPer: historyBytes / inDb, eventBytesPer: eventBytes / inDb };
}
