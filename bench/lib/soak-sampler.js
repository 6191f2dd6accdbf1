// The soak's periodic sample of the service child: RSS (/proc), heap (its /metrics), its
// CPU time, the CPU used by every other process on the machine, and the database's size.
import { memoryMetrics, readVmRss } from './soak-memory.js';
import { record, send } from './soak-traffic.js';
import { machineBusy } from './system-load.js';

/**
 * Takes a sample now and every `intervalS` seconds until `stop()`, which takes a last one
 * and resolves to all samples: {t (s), rss, heapUsed, heapTotal, external, majorGcs,
 * serviceCpu and otherCpu (share of one core since the previous sample), db}; every
 * `liveEvery`-th sample (and the last) also has `liveHeap` and `gcMs`: the heap after a
 * full GC forced in the service, and how long that GC paused it.
 */
export async function startSampler({ service, agent, probe, intervalS, liveEvery, stats }) {
  const samples = [];
  const t0 = performance.now();
  let prev;
  const take = async (last = false) => {
    // CPU counters and wall time are read together, so the shares cover the same interval.
    const serviceMicros = await service.cpuMicros();
    const own = process.cpuUsage();
    const now = performance.now();
    const busySeconds = prev ? prev.busy.stop() : Number.NaN;
    const busy = machineBusy();
    stats.sent++;
    const r = await send(agent, service.url, 'GET', '/metrics', {});
    const mem = record(stats, r, 200, (x) => (x.body.includes('nodejs_heap_size_used_bytes') ? undefined : 'no nodejs_heap_size_used_bytes in /metrics')) ? memoryMetrics(r.body) : {};
    const rss = readVmRss(service.pid) ?? (await service.memoryUsage()).rss;
    const db = await probe.read();
    const s = { t: (now - t0) / 1000, rss, ...mem, db, serviceCpu: Number.NaN, otherCpu: Number.NaN };
    if (last || samples.length % liveEvery === 0) {
      const live = await service.liveHeap();
      s.liveHeap = live.heapUsed;
      s.gcMs = live.gcMs;
    }
    if (prev) {
      const wall = (now - prev.now) / 1000;
      const serviceCpu = (serviceMicros - prev.serviceMicros) / 1e6;
      const ownCpu = (own.user + own.system - prev.own.user - prev.own.system) / 1e6;
      s.serviceCpu = serviceCpu / wall;
      s.otherCpu = Math.max(0, busySeconds - serviceCpu - ownCpu) / wall;
    }
    prev = { now, serviceMicros, own, busy };
    samples.push(s);
  };
  await take();
  let timer;
  let running = Promise.resolve();
  const schedule = () => {
    const next = t0 + samples.length * intervalS * 1000;
    timer = setTimeout(() => {
      running = take().then(schedule);
    }, Math.max(0, next - performance.now()));
  };
  schedule();
  return {
    samples,
    async stop() {
      clearTimeout(timer);
      await running;
      clearTimeout(timer);
      await take(true);
      return samples;
    },
  };
}
