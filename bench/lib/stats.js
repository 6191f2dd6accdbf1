// Small numeric helpers shared by the benchmarks.

/** Nearest-rank percentile (p in 0..100) of an unsorted numeric array-like. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function median(values) {
  return percentile(values, 50);
}

/** Growable list of doubles (latencies) without per-value allocation. */
export class Samples {
  constructor(capacity = 1 << 16) {
    this.data = new Float64Array(capacity);
    this.length = 0;
  }
  push(v) {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  values() {
    return this.data.subarray(0, this.length);
  }
}

export const fmt = {
  rate: (n) => `${Math.round(n).toLocaleString('en-US')}/s`,
  ms: (n) => `${n.toFixed(2)} ms`,
  ratio: (n) => n.toFixed(2),
  pct: (n) => `${Math.round(n * 100)}%`,
};

/** Prints rows (arrays of strings) as an aligned plain-text table. */
export function printTable(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i] ?? '').length)));
  const line = (r) => r.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
