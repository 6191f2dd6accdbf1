// `npm run soak`: a bounded soak test of the posture service (issue #6). For up to 10
// minutes, a fleet of devices attests at a fixed rate (challenge → freshly signed
// evidence → POST, as the agent does) while a gateway sends forward-auth requests at a
// fixed rate (open loop) with a mix of allowed, non-compliant and token-less requests.
// Every answer is checked; the service's memory is sampled every 5 s. Pass = zero errors,
// the rates sustained, every acknowledged attestation stored, and a flat heap.
// Loopback only. What it measures and a reference run: docs/benchmarks.md, "Soak".
//
//   node bench/soak.js [--minutes 10] [--attest-rate 50] [--authz-rate 1000] [--devices 200]
//                      [--result-ttl 60] [--database-url postgres://127.0.0.1/… | --start-postgres] [--json]
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { openDbProbe } from './lib/soak-db.js';
import { startSampler } from './lib/soak-sampler.js';
import { startThrowawayPostgres } from './lib/soak-postgres.js';
import { judge, printReport, soakSummary } from './lib/soak-report.js';
import { enrolFleet, prepareSoakDir, startSoakService } from './lib/soak-setup.js';
import { attestCycle, authzRequest, ClassStats, pace, soakAgents } from './lib/soak-traffic.js';
import { Samples } from './lib/stats.js';

const MAX_MINUTES = 10;
const SAMPLE_S = 5;
/** Every 6th sample (30 s) also forces a full GC in the service to read its live heap. */
const LIVE_HEAP_EVERY = 6;

function usage(msg) {
  console.error(`soak: ${msg}`);
  console.error('usage: node bench/soak.js [--minutes M<=10] [--attest-rate A] [--authz-rate Z] [--devices N>=20] [--result-ttl S>=30] [--database-url postgres://127.0.0.1/… | --start-postgres] [--json]');
  process.exit(2);
}

function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        minutes: { type: 'string', default: '10' }, 'attest-rate': { type: 'string', default: '50' }, 'authz-rate': { type: 'string', default: '1000' },
        devices: { type: 'string', default: '200' }, 'result-ttl': { type: 'string', default: '60' }, 'database-url': { type: 'string' },
        'start-postgres': { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    usage(e.message);
  }
  const num = (name, min, max) => {
    const v = Number(values[name]);
    if (!Number.isFinite(v) || v < min || v > max) usage(`--${name} must be a number in [${min}, ${max}] (got ${values[name]})`);
    return v;
  };
  const o = {
    minutes: num('minutes', 0.05, MAX_MINUTES), attestRate: num('attest-rate', 0.1, 1000), authzRate: num('authz-rate', 1, 20_000),
    devices: Math.round(num('devices', 20, 10_000)), resultTtlS: Math.round(num('result-ttl', 30, 3600)),
    databaseUrl: values['database-url'], startPostgres: values['start-postgres'], json: values.json,
  };
  if (o.databaseUrl) {
    let host;
    try {
      host = new URL(o.databaseUrl).hostname;
    } catch {
      usage('--database-url is not a URL');
    }
    // Loopback only, like the rest of the soak (an empty host is a local socket).
    if (!['', '127.0.0.1', 'localhost', '[::1]'].includes(host)) usage('--database-url must point at a loopback PostgreSQL (127.0.0.1, localhost, ::1)');
    if (o.startPostgres) usage('give either --database-url or --start-postgres');
  }
  // Every device must attest again well within its token's lifetime (the token of its last attestation is what the gateway sees).
  const intervalS = o.devices / o.attestRate;
  if (intervalS > o.resultTtlS / 2) usage(`each device attests every ${intervalS.toFixed(0)} s (devices / attest-rate): that must be <= half of --result-ttl (${o.resultTtlS} s)`);
  return o;
}

const opts = parseOptions(process.argv.slice(2));
const log = opts.json ? (...a) => console.error(...a) : (...a) => console.log(...a);
const nonCompliantCount = Math.max(1, Math.round(opts.devices * 0.05));
const runS = opts.minutes * 60;
const warmupS = 0.2 * runS;

let pgServer;
let service;
let dir;
try {
  if (opts.startPostgres) {
    pgServer = await startThrowawayPostgres();
    opts.databaseUrl = pgServer.url;
    log(`soak: throwaway PostgreSQL ${pgServer.version} on 127.0.0.1 (fsync on)`);
  }
  const store = opts.databaseUrl ? 'postgres' : 'sqlite';
  log(`soak: ${opts.minutes} min, ${opts.attestRate} attestations/s over ${opts.devices} devices (${nonCompliantCount} non-compliant), ${opts.authzRate} authz/s (90% allow / 5% deny / 5% no token), ${store}, result TTL ${opts.resultTtlS} s`);

  dir = await prepareSoakDir({ codes: opts.devices, databaseUrl: opts.databaseUrl });
  service = await startSoakService(dir, { resultTtlSeconds: opts.resultTtlS });
  const agents = soakAgents();
  const tSetup = performance.now();
  const devices = await enrolFleet(service.url, dir.enrollmentCodes, opts.devices, nonCompliantCount);
  // Every device attests once before the clock starts, so that the gateway has a token for each.
  const setupStats = { challenge: new ClassStats('setup challenge', 201), attestation: new ClassStats('setup attestation', 201) };
  for (let i = 0; i < devices.length; i += 16) await Promise.all(devices.slice(i, i + 16).map((d) => attestCycle(agents.devices, service.url, d, setupStats)));
  if (setupStats.challenge.errorCount + setupStats.attestation.errorCount > 0) {
    throw new Error(`set-up attestations failed: ${[...setupStats.challenge.examples, ...setupStats.attestation.examples].join('; ')}`);
  }
  const fleet = { compliant: devices.filter((d) => d.compliant), nonCompliant: devices.filter((d) => !d.compliant) };
  log(`soak: ${devices.length} devices enrolled and attested over HTTP in ${((performance.now() - tSetup) / 1000).toFixed(1)} s; service pid ${service.pid} at ${service.url}`);

  const stats = {
    challenge: new ClassStats('challenge', 201), attestation: new ClassStats('attestation', 201),
    allow: new ClassStats('authz allow', 200), deny: new ClassStats('authz deny (non-compliant)', 403), noToken: new ClassStats('authz no token', 401),
    metrics: new ClassStats('metrics scrape', 200),
  };
  const probe = await openDbProbe(dir);
  const sampler = await startSampler({ service, agent: agents.gateway, probe, intervalS: SAMPLE_S, liveEvery: LIVE_HEAP_EVERY, stats: stats.metrics });
  const lag = { attest: new Samples(1 << 12), authz: new Samples(1 << 16) };
  const attest = pace(opts.attestRate, (k) => attestCycle(agents.devices, service.url, devices[k % devices.length], stats), lag.attest);
  const authz = pace(opts.authzRate, (k) => authzRequest(agents.gateway, service.url, k, fleet, dir.gatewayKey, stats), lag.authz);
  const progress = setInterval(() => {
    const s = sampler.samples.at(-1);
    log(`  ${Math.round(s.t)} s: ${attest.fired} attestations, ${authz.fired} authz sent; heap ${(s.heapUsed / 2 ** 20).toFixed(1)} MiB, RSS ${(s.rss / 2 ** 20).toFixed(1)} MiB; errors ${Object.values(stats).reduce((a, c) => a + c.errorCount, 0)}`);
  }, 60_000);
  await new Promise((r) => setTimeout(r, runS * 1000));
  clearInterval(progress);
  const fired = { attest: attest.fired, authz: authz.fired };
  await Promise.all([attest.stop(), authz.stop()]);
  const samples = await sampler.stop();
  const eventTypes = await probe.eventTypes();
  await probe.close();
  const exitedEarly = service.exit;
  await service.stop();
  // Durability: every 201 must be a row, read after the service has stopped.
  const after = await openDbProbe(dir);
  const rowsAfter = (await after.read()).counts.attestations;
  await after.close();
  agents.gateway.destroy();
  agents.devices.destroy();

  const summary = soakSummary({
    opts, store, runS, warmupS, sampleS: SAMPLE_S, stats, samples, lag, fired, nonCompliantCount,
    durability: { acknowledged: setupStats.attestation.acked + stats.attestation.acked, rows: rowsAfter },
    serviceExitedEarly: exitedEarly, postgresVersion: pgServer?.version, eventTypes,
  });
  const verdict = judge(summary);
  summary.verdict = verdict;
  printReport(summary, log);
  if (opts.json) console.log(JSON.stringify(summary));
  log(verdict.pass ? 'soak: PASS' : `soak: FAIL (${verdict.reasons.join('; ')})`);
  process.exitCode = verdict.pass ? 0 : 1;
} catch (e) {
  console.error(e);
  console.error(`soak: FAIL (${e.message})`);
  process.exitCode = 1;
} finally {
  await service?.stop().catch(() => undefined);
  pgServer?.stop();
  if (dir) await rm(dir.dataDir, { recursive: true, force: true });
}
