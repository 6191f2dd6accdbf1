// `npm run bench`: each figure is measured in this run next to its baseline, and
// reported as a ratio, so that the numbers mean something on any machine. What the
// numbers mean, and the figures of a reference run: docs/benchmarks.md.
import { cpus } from 'node:os';
import { benchAttestations } from './attestations.js';
import { benchAttestationsPostgres } from './attestations-postgres.js';
import { benchMemory } from './memory.js';
import { benchAuthzScale } from './authz-scale.js';
import { benchAuthzThroughput } from './authz-throughput.js';
import { benchCollection } from './collection.js';
import { benchRevocation } from './revocation.js';
import { printTable } from './lib/stats.js';

const t0 = performance.now();
console.log(`posture benchmarks: node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${new Date().toISOString()}`);
const collection = await benchCollection();
const authz = await benchAuthzThroughput();
const attest = await benchAttestations();
const attestPg = await benchAttestationsPostgres();
const scale = await benchAuthzScale();
const revocation = await benchRevocation();
const memory = benchMemory();

const n = (x) => Math.round(x).toLocaleString('en-US');
const ms = (x) => `${x.toFixed(2)} ms`;
const sec = (x) => `${(x / 1000).toFixed(2)} s`;
const verdict = (ok) => (ok ? 'met' : 'MISSED');
const [small, large] = scale.steady;
const [coldSmall, coldLarge] = scale.cold;
const worstScale = Math.max(scale.ratio.steadyP50, scale.ratio.steadyP99, scale.ratio.steadyRate);
console.log(`\nsummary (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
printTable(['figure', 'ours', 'baseline', 'ratio', 'goal', ''], [
  ['collection, steady state', ms(collection.ours), `${ms(collection.baseline)} systeminformation`, collection.ratio.toFixed(2), 'lower is better', ''],
  ['authz decisions/s (50 conns)', n(authz.ours.rps), `${n(authz.base.rps)} bare node:http`, authz.ratio.toFixed(2), '>= 0.70', verdict(authz.ratio >= 0.7)],
  ['authz p50 / p99', `${ms(authz.ours.p50)} / ${ms(authz.ours.p99)}`, `${ms(authz.base.p50)} / ${ms(authz.base.p99)}`, '', 'p99 <= 5 ms', verdict(authz.ours.p99 <= 5)],
  ['authz server CPU per request', `${authz.ours.serverUsPerOk.toFixed(1)} µs`, `${authz.base.serverUsPerOk.toFixed(1)} µs`, authz.cpuRatio.toFixed(2), '(bare / ours)', ''],
  ['attestations/s (32 agents)', n(attest.ours.rps), `${n(attest.verifyRate)} jose jwtVerify`, attest.ratio.toFixed(2), '>= 0.50', verdict(attest.ratio >= 0.5)],
  ['attestations durable', `${n(attest.inDb)} in DB`, `${n(attest.acked)} acknowledged`, (attest.inDb / attest.acked).toFixed(2), '= 1.00', verdict(attest.inDb === attest.acked)],
  ['attestations/s, PostgreSQL 2 replicas', attestPg ? n(attestPg.ours.rps) : 'skipped', attestPg ? `${n(attest.ours.rps)} SQLite, 1 process` : 'PostgreSQL not installed', attestPg ? (attestPg.ours.rps / attest.ours.rps).toFixed(2) : '', '(sizing)', attestPg ? verdict(attestPg.inDb === attestPg.acked) : ''],
  ['storage per attestation (steady fleet)', `${n(attest.bytesPerAttestation)} bytes (history ${n(attest.historyBytesPer)} + event ${n(attest.eventBytesPer)})`, `${n((attest.bytesPerAttestation * 288) / 1024)} KiB per device-day at 5 min`, '', '(sizing)', ''],
  ['authz 100k devices, steady req/s', n(large.rps), `${n(small.rps)} with 100`, scale.ratio.steadyRate.toFixed(2), '<= 1.20 (100/100k)', verdict(scale.ratio.steadyRate <= 1.2)],
  ['authz 100k devices, steady p50/p99', `${ms(large.p50)} / ${ms(large.p99)}`, `${ms(small.p50)} / ${ms(small.p99)}`, `${scale.ratio.steadyP50.toFixed(2)} / ${scale.ratio.steadyP99.toFixed(2)}`, '<= 1.20', verdict(worstScale <= 1.2)],
  ['authz 100k devices, cold p50/p99', `${ms(coldLarge.p50)} / ${ms(coldLarge.p99)}`, `${ms(coldSmall.p50)} / ${ms(coldSmall.p99)}`, `${scale.ratio.coldP50.toFixed(2)} / ${scale.ratio.coldP99.toFixed(2)}`, '(informative)', ''],
  ['revocation: regression → deny p50/p95', `${sec(revocation.deny.p50)} / ${sec(revocation.deny.p95)}`, `watch interval ${revocation.intervalMs / 1000} s; gateway ${revocation.gateway}`, '', 'p95 <= 10 s', verdict(revocation.met)],
  ['revocation: regression → CAEP SET p50/p95', `${sec(revocation.set.p50)} / ${sec(revocation.set.p95)}`, '', '', '(informative)', ''],
  ['revocation: fix → access back p50/p95', `${sec(revocation.allow.p50)} / ${sec(revocation.allow.p95)}`, '', '', '(informative)', ''],
  ['revocation: requests with errors', `${n(revocation.errors)}`, `${n(revocation.requests)} requests, ${revocation.regressions} regressions`, '', '= 0', verdict(revocation.errors === 0)],
  ['heap per active device (authz caches)', `${(memory.perDevice / 1024).toFixed(1)} KiB`, `state ${(memory.deviceBytes / 1024).toFixed(1)} KiB + 2 tokens x ${(memory.tokenBytes / 1024).toFixed(1)} KiB`, '', '(sizing)', ''],
]);
const others = [authz.ours, authz.base, attest.ours, small, large].map((r) => r.otherCpu);
const maxOther = Math.max(...others.filter((x) => !Number.isNaN(x)));
if (maxOther > 0.2) console.log(`note: other processes used up to ${Math.round(maxOther * 100)}% of a core during the measurements; figures on a busy machine are noisy.`);
