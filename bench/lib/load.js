// Load generation with autocannon (keep-alive HTTP/1.1, one request in flight per
// connection), only ever against 127.0.0.1. Latencies are recorded per response at
// sub-millisecond resolution (autocannon's own histogram rounds to whole ms).
//
// Other processes on a small machine come and go; to compare two targets fairly the
// benchmarks interleave them in short rounds (`interleave`) and add the rounds up.
import autocannon from 'autocannon';
import { percentile, Samples } from './stats.js';
import { machineBusy } from './system-load.js';

/**
 * Runs one load phase.
 * @param {object} o
 * @param {string} o.url base URL (must be http://127.0.0.1:…)
 * @param {string} o.path request path
 * @param {Record<string,string>} [o.headers]
 * @param {(req: object) => object} [o.setupRequest] per-request mutation (e.g. a random token)
 * @param {number} [o.connections] default 50
 * @param {number} [o.seconds] duration (ignored when `amount` is set)
 * @param {number} [o.amount] total number of requests instead of a duration
 * @param {{cpuMicros(): Promise<number>}} [o.server] the child process serving `url`
 * @returns {Promise<Phase>} raw counts, latencies and CPU seconds (see `summarize`)
 */
export async function runLoad(o) {
  const target = new URL(o.path, o.url);
  if (target.hostname !== '127.0.0.1') throw new Error(`refusing to load ${target.host}: only 127.0.0.1`);
  const latencies = new Samples();
  const statuses = {};
  const meter = await startMeter(o.server);
  const tStart = performance.now();
  let tLast = tStart;
  const instance = autocannon({
    url: target.href,
    connections: o.connections ?? 50,
    pipelining: 1,
    ...(o.amount ? { amount: o.amount } : { duration: o.seconds ?? 5 }),
    headers: o.headers ?? {},
    requests: [{ method: 'GET', ...(o.setupRequest ? { setupRequest: o.setupRequest } : {}) }],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    tLast = performance.now();
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await instance;
  // autocannon ends a run on its 1 s sampling tick: with `amount` it can idle until then,
  // so rate and CPU shares are taken over the span up to the last response.
  const measured = await meter.stop();
  const span = Math.min(measured.wall, (tLast - tStart) / 1000);
  // Everything else on the machine kept running in the idle tail: count its share only.
  return { ...measured, otherCpu: (measured.otherCpu * span) / measured.wall, wall: span, ok: latencies.length, statuses, errors: result.errors + result.timeouts, latencies: latencies.values() };
}

/**
 * Measures wall time and CPU seconds of this process, of `server` (a child) and of
 * everything else on the machine, between start and `stop()`.
 */
export async function startMeter(server) {
  const server0 = server ? await server.cpuMicros() : Number.NaN;
  const own0 = process.cpuUsage();
  const busy = machineBusy();
  const t0 = performance.now();
  return {
    async stop() {
      const wall = (performance.now() - t0) / 1000;
      const o = process.cpuUsage(own0);
      const busySeconds = busy.stop();
      const serverCpu = server ? ((await server.cpuMicros()) - server0) / 1e6 : Number.NaN;
      const clientCpu = (o.user + o.system) / 1e6;
      return { wall, serverCpu, clientCpu, otherCpu: Math.max(0, busySeconds - clientCpu - (Number.isNaN(serverCpu) ? 0 : serverCpu)) };
    },
  };
}

/**
 * Runs `phases` (functions returning a Phase) in turn, `rounds` times, and adds each
 * phase's rounds up, so slow changes in background load hit every phase alike.
 */
export async function interleave(phases, rounds) {
  const parts = phases.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < phases.length; i++) parts[i].push(await phases[i](r));
  }
  return parts.map(combine);
}

/** Adds phases up: counts, wall and CPU seconds, and all latencies. */
export function combine(list) {
  const statuses = {};
  for (const p of list) for (const [k, v] of Object.entries(p.statuses ?? {})) statuses[k] = (statuses[k] ?? 0) + v;
  const sum = (k) => list.reduce((a, p) => a + (p[k] ?? 0), 0);
  const latencies = new Float64Array(sum('ok'));
  let at = 0;
  for (const p of list) {
    latencies.set(p.latencies.subarray(0, p.ok), at);
    at += p.ok;
  }
  return { wall: sum('wall'), serverCpu: sum('serverCpu'), clientCpu: sum('clientCpu'), otherCpu: sum('otherCpu'), ok: sum('ok'), errors: sum('errors'), statuses, latencies };
}

/** Rate, percentiles and CPU shares (of one core) of a phase. */
export function summarize(p) {
  const total = Object.values(p.statuses).reduce((a, b) => a + b, 0);
  return {
    ok: p.ok,
    total,
    errors: p.errors,
    statuses: p.statuses,
    seconds: p.wall,
    rps: p.ok / p.wall,
    p50: percentile(p.latencies, 50),
    p99: percentile(p.latencies, 99),
    serverCpu: p.serverCpu / p.wall,
    /** Server CPU time per successful request, in µs (all its threads). */
    serverUsPerOk: (p.serverCpu / p.ok) * 1e6,
    clientCpu: p.clientCpu / p.wall,
    otherCpu: p.otherCpu / p.wall,
  };
}

/** One-line description of a summarized phase. */
export function describe(r, unit = 'req/s') {
  const bad = r.total - r.ok + r.errors;
  const pct = (x) => (Number.isNaN(x) ? '?' : `${Math.round(x * 100)}%`);
  return `${Math.round(r.rps).toLocaleString('en-US')} ${unit}  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms` +
    `  (${r.ok.toLocaleString('en-US')} ok${bad ? `, ${bad} NOT ok: ${JSON.stringify(r.statuses)} errors ${r.errors}` : ''};` +
    ` CPU: server ${pct(r.serverCpu)}, load generator ${pct(r.clientCpu)}, other processes ${pct(r.otherCpu)} of a core)`;
}
