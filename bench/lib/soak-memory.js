// Memory of the service child over a soak: RSS from /proc/<pid>/status (VmRSS) and the
// V8 heap from the service's own Prometheus metrics (prom-client default metrics, which
// startService enables: posture_service_nodejs_heap_size_used_bytes), sampled at a fixed
// interval, and the least-squares slope after a warm-up.
import { readFileSync } from 'node:fs';

const PREFIX = 'posture_service_';

/** VmRSS of `pid` in bytes, or undefined off Linux / when the process is gone. */
export function readVmRss(pid) {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The value of one sample line `name{labels} value` in a Prometheus text exposition. */
export function metricValue(text, name, labels = '') {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The memory figures of one /metrics scrape. */
export function memoryMetrics(text) {
  return {
    heapUsed: metricValue(text, `${PREFIX}nodejs_heap_size_used_bytes`),
    heapTotal: metricValue(text, `${PREFIX}nodejs_heap_size_total_bytes`),
    external: metricValue(text, `${PREFIX}nodejs_external_memory_bytes`),
    majorGcs: metricValue(text, `${PREFIX}nodejs_gc_duration_seconds_count`, 'kind="major"') ?? 0,
  };
}

/** Least-squares line through points [x, y]: {slope, intercept}; slope NaN with < 2 distinct x. */
export function linearFit(points) {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  const slope = n >= 2 && sxx > 0 ? sxy / sxx : Number.NaN;
  return { slope, intercept: my - slope * mx };
}

/**
 * The minimum of `key` in consecutive windows of `windowS` seconds from `originS` (by
 * sample time `t`) over the samples that `use` accepts, as points [window middle, min].
 */
export function windowMinima(samples, key, { windowS, originS = 0, use = () => true }) {
  const windows = new Map();
  for (const s of samples) {
    const v = s[key];
    if (s.t < originS || v === undefined || Number.isNaN(v) || !use(s)) continue;
    const w = Math.floor((s.t - originS) / windowS);
    windows.set(w, Math.min(windows.get(w) ?? v, v));
  }
  return [...windows.entries()].sort((a, b) => a[0] - b[0]).map(([w, v]) => [originS + (w + 0.5) * windowS, v]);
}

/**
 * Memory figures of a run: start/end/max of RSS and heap, and slopes (bytes/min) after
 * `warmupS`. RSS: over every sample. Heap: the heap in use is live data plus garbage not
 * yet collected, a sawtooth whose teeth are as tall as the old generation lets garbage
 * pile up (tens of MiB here); a full (major) collection brings it down to the live data.
 * So the heap slope is fitted through the lowest sample taken within one interval after
 * a major GC (the service's own `nodejs_gc_duration_seconds_count{kind="major"}` went up)
 * in each window of `windowS` seconds: live data plus at most one interval's promotions.
 * Windows without a major GC are left out (counted in `windowsWithoutMajorGc`).
 */
export function analyseMemory(samples, { warmupS, windowS }) {
  const marked = samples.map((s, i) => ({ ...s, afterMajorGc: i > 0 && s.majorGcs > samples[i - 1].majorGcs }));
  const after = marked.filter((s) => s.t >= warmupS);
  const stat = (key) => {
    const vs = samples.map((s) => s[key]).filter((v) => v !== undefined && !Number.isNaN(v));
    const post = after.map((s) => s[key]).filter((v) => v !== undefined && !Number.isNaN(v));
    return { start: vs[0], end: vs.at(-1), max: Math.max(...vs), postWarmupMean: post.reduce((a, b) => a + b, 0) / post.length };
  };
  const perMin = (points) => linearFit(points.map(([t, v]) => [t / 60, v])).slope;
  const livePoints = after.filter((s) => s.liveHeap !== undefined && !Number.isNaN(s.liveHeap)).map((s) => [s.t, s.liveHeap]);
  const gcMs = samples.map((s) => s.gcMs).filter((v) => v !== undefined);
  const heapPoints = windowMinima(after, 'heapUsed', { windowS, originS: warmupS, use: (s) => s.afterMajorGc });
  const allWindows = Math.ceil((Math.max(0, (samples.at(-1)?.t ?? 0) - warmupS) - 1e-9) / windowS);
  return {
    samples: samples.length,
    samplesAfterWarmup: after.length,
    rss: { ...stat('rss'), slopePerMin: perMin(after.map((s) => [s.t, s.rss])) },
    live: {
      ...stat('liveHeap'),
      slopePerMin: perMin(livePoints),
      points: livePoints.length,
      /** Pauses of the forced full GCs (ms). */
      gcMsMax: Math.max(...gcMs),
      gcMsMean: gcMs.reduce((a, b) => a + b, 0) / gcMs.length,
    },
    heap: {
      ...stat('heapUsed'),
      slopePerMin: perMin(heapPoints),
      windows: heapPoints.length,
      windowsWithoutMajorGc: Math.max(0, allWindows - heapPoints.length),
      /** The post-GC minima the slope is fitted through: [seconds, bytes]. */
      points: heapPoints,
      /** The slope over every sample, GC sawtooth included (for comparison). */
      rawSlopePerMin: perMin(after.map((s) => [s.t, s.heapUsed])),
    },
    majorGcs: (samples.at(-1)?.majorGcs ?? 0) - (samples[0]?.majorGcs ?? 0),
  };
}
