// The soak's summary (also its --json output), its verdict and the printed report.
import { cpus, release, totalmem } from 'node:os';
import { analyseMemory } from './soak-memory.js';
import { percentile } from './stats.js';

/** Heap minima (/metrics) are taken over windows of this many seconds (6 samples at 5 s). */
export const HEAP_WINDOW_S = 30;
/** The live heap slope is judged only with at least this many forced-GC points after the warm-up. */
export const MIN_LIVE_POINTS = 4;
/**
 * Live heap slope bound, in bytes retained per request served: a leak that keeps
 * anything per request keeps at least one V8 object (>= 16 bytes), so 1 byte per request
 * is well below the smallest per-request leak. At the default rates (50 challenges + 50
 * attestations + 1,000 authz per second) it is 64.5 KiB/min.
 */
export const HEAP_BYTES_PER_REQUEST = 1;

const mean = (xs) => {
  const v = xs.filter((x) => !Number.isNaN(x));
  return v.reduce((a, b) => a + b, 0) / v.length;
};

/** Everything the run found, as plain data. */
export function soakSummary(r) {
  const classes = Object.values(r.stats).map((c) => c.summary(r.runS));
  const by = Object.fromEntries(Object.entries(r.stats).map(([k, c]) => [k, c.summary(r.runS)]));
  const memory = analyseMemory(r.samples, { warmupS: r.warmupS, windowS: HEAP_WINDOW_S, intervalS: r.sampleS });
  const requestsPerMin = (r.opts.attestRate * 2 + r.opts.authzRate) * 60;
  memory.live.boundPerMin = HEAP_BYTES_PER_REQUEST * requestsPerMin;
  const first = r.samples[0].db;
  const last = r.samples.at(-1).db;
  const minutes = r.samples.at(-1).t / 60;
  return {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '?', memGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.version },
    config: {
      minutes: r.opts.minutes, attestRate: r.opts.attestRate, authzRate: r.opts.authzRate, devices: r.opts.devices, nonCompliant: r.nonCompliantCount,
      resultTtlS: r.opts.resultTtlS, store: r.store, ...(r.postgresVersion ? { postgres: r.postgresVersion } : {}),
    },
    runS: r.runS,
    warmupS: r.warmupS,
    classes,
    errors: classes.reduce((a, c) => a + c.errors, 0),
    rates: {
      attestations: by.attestation.ok / r.runS, authz: (by.allow.ok + by.deny.ok + by.noToken.ok) / r.runS,
      firedAttestations: r.fired.attest, firedAuthz: r.fired.authz,
    },
    generatorLagMs: { attestP99: percentile(r.lag.attest.values(), 99), authzP99: percentile(r.lag.authz.values(), 99), authzMax: percentile(r.lag.authz.values(), 100) },
    cpu: { service: mean(r.samples.map((s) => s.serviceCpu)), otherMean: mean(r.samples.map((s) => s.otherCpu)), otherMax: Math.max(...r.samples.map((s) => s.otherCpu).filter((x) => !Number.isNaN(x))) },
    memory: { ...memory, samples: r.samples.map(({ db: _db, ...s }) => s) },
    db: {
      start: first, end: last,
      growthPerMin: Object.fromEntries(Object.keys(last.counts).map((k) => [k, last.counts[k] === undefined || first.counts[k] === undefined ? undefined : (last.counts[k] - first.counts[k]) / minutes])),
      bytesPerMin: (last.bytes - first.bytes) / minutes,
    },
    eventTypes: r.eventTypes,
    durability: r.durability,
    serviceExitedEarly: r.serviceExitedEarly ?? null,
  };
}

/** PASS needs zero errors, the rates sustained, every 201 stored, and (on runs long enough) a flat heap. */
export function judge(s) {
  const reasons = [];
  if (s.errors > 0) reasons.push(`${s.errors} errors`);
  if (s.serviceExitedEarly) reasons.push(`the service exited during the run (${JSON.stringify(s.serviceExitedEarly)})`);
  if (s.rates.attestations < 0.95 * s.config.attestRate) reasons.push(`attestations ${s.rates.attestations.toFixed(1)}/s < 95% of ${s.config.attestRate}/s`);
  if (s.rates.authz < 0.95 * s.config.authzRate) reasons.push(`authz ${s.rates.authz.toFixed(0)}/s < 95% of ${s.config.authzRate}/s`);
  if (s.durability.rows !== s.durability.acknowledged) reasons.push(`${s.durability.acknowledged} attestations acknowledged but ${s.durability.rows} rows stored`);
  const h = s.memory.live;
  let memory = 'not judged';
  if (h.points >= MIN_LIVE_POINTS) {
    memory = h.slopePerMin < h.boundPerMin ? 'flat' : 'growing';
    if (memory === 'growing') reasons.push(`live heap grows ${kib(h.slopePerMin)}/min (bound ${kib(h.boundPerMin)}/min)`);
  }
  return { pass: reasons.length === 0, memory, reasons };
}

const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const kib = (b) => (Number.isNaN(b) ? '-' : `${b >= 0 ? '+' : ''}${(b / 1024).toFixed(1)} KiB`);
const n0 = (x) => (x === undefined || Number.isNaN(x) ? '-' : Math.round(x).toLocaleString('en-US'));
const ms = (x) => (Number.isNaN(x) ? '-' : x.toFixed(2));

function table(header, rows, log) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  log(line(all[0]));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of all.slice(1)) log(line(r));
}

/** The human-readable report. */
export function printReport(s, log) {
  const c = s.config;
  log(`\nsoak summary: ${s.date}, ${s.machine.cpus} x ${s.machine.model}, node ${s.machine.node}; ${c.store}${c.postgres ? ` ${c.postgres}` : ''}, ${(s.runS / 60).toFixed(2)} min (warm-up ${Math.round(s.warmupS)} s)`);
  table(['class', 'expect', 'sent', 'ok', 'errors', 'rate/s', 'p50 ms', 'p99 ms', 'max ms'],
    s.classes.map((k) => [k.class, k.expect, n0(k.sent), n0(k.ok), k.errors, k.rate.toFixed(1), ms(k.p50Ms), ms(k.p99Ms), ms(k.maxMs)]), log);
  for (const k of s.classes) for (const e of k.examples) log(`  ${k.class}: ${e}`);
  log(`rates: ${s.rates.attestations.toFixed(1)} attestations/s (target ${c.attestRate}), ${s.rates.authz.toFixed(1)} authz/s (target ${c.authzRate}); generator lag p99 ${ms(s.generatorLagMs.authzP99)} ms (authz), ${ms(s.generatorLagMs.attestP99)} ms (attest)`);
  log(`durability: ${n0(s.durability.acknowledged)} attestations acknowledged 201 (set-up included), ${n0(s.durability.rows)} rows after stop`);
  const m = s.memory;
  table(['memory', 'start', 'end', 'max', 'post-warm-up mean', 'slope after warm-up', 'bound'], [
    ['live heap (after forced full GC)', mib(m.live.start), mib(m.live.end), mib(m.live.max), mib(m.live.postWarmupMean), `${kib(m.live.slopePerMin)}/min (${m.live.points} points, every 30 s)`, `< ${kib(m.live.boundPerMin)}/min`],
    ['heap used (/metrics)', mib(m.heap.start), mib(m.heap.end), mib(m.heap.max), mib(m.heap.postWarmupMean), `${kib(m.heap.slopePerMin)}/min (${m.heap.windows} post-GC minima of ${HEAP_WINDOW_S} s)`, '(informative)'],
    ['RSS (VmRSS)', mib(m.rss.start), mib(m.rss.end), mib(m.rss.max), mib(m.rss.postWarmupMean), `${kib(m.rss.slopePerMin)}/min (every 5 s)`, '(informative)'],
  ], log);
  log(`  ${m.samples.length} samples every 5 s; heap slope over all samples (GC sawtooth included) ${kib(m.heap.rawSlopePerMin)}/min; ${m.majorGcs} major GCs in the service (forced ones included); forced GC pause mean ${ms(m.live.gcMsMean)} ms, max ${ms(m.live.gcMsMax)} ms`);
  const d = s.db;
  const g = (k) => `${k} ${n0(d.start.counts[k])} → ${n0(d.end.counts[k])}`;
  log(`database: ${['attestations', 'events', 'nonces', 'jtis'].map(g).join(', ')} rows; size ${mib(d.start.bytes)} → ${mib(d.end.bytes)} (${kib(d.bytesPerMin)}/min)`);
  if (s.eventTypes) log(`  events by type at the end: ${Object.entries(s.eventTypes).map(([t, k]) => `${t} ${n0(k)}`).join(', ')}`);
  log(`CPU (share of one core): service ${Math.round(s.cpu.service * 100)}%, other processes mean ${Math.round(s.cpu.otherMean * 100)}%, max ${Math.round(s.cpu.otherMax * 100)}% over a ${5} s interval${c.store === 'postgres' ? ' (PostgreSQL included)' : ''}`);
  if (s.cpu.otherMax > 0.2) log('note: other processes were busy during the run; latencies are noisier than on a quiet machine.');
  log(`memory: ${s.verdict.memory}${s.verdict.memory === 'not judged' ? ` (fewer than ${MIN_LIVE_POINTS} live-heap points after the warm-up: run at least 2 min)` : ''}`);
}
