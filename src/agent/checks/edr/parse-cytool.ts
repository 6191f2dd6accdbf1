/** Palo Alto Cortex XDR `cytool runtime query` and what it says about the agent. */
import type { ProductReading } from './assemble.js';

export interface CortexComponent {
  name: string;
  pid: number;
  /** `Running`, `Loaded` (kernel extension), `Stopped`, … */
  status: string;
}

export type ParsedCytoolRuntime = { ok: true; components: CortexComponent[] } | { ok: false; error: string };

/**
 * Parses `cytool runtime query`: a header, then one row per agent component. Names may
 * contain a space (`cortex xdr` on macOS); the user and command columns are dropped.
 *
 * ```
 *          Name    PID         User              Status		Command
 *   cortex xdr   1055        User1             Running		/Library/…/cortex xdr
 *   kproc-ctrl    159         root              Loaded		com.paloaltonetworks.driver.kproc-ctrl
 * ```
 */
export function parseCytoolRuntime(text: string): ParsedCytoolRuntime {
  const lines = text.split('\n');
  const header = lines.findIndex((l) => /^\s*Name\s+PID\s+User\s+Status\b/.test(l));
  if (header < 0) return { ok: false, error: 'unrecognised output (no Name/PID/User/Status header)' };
  const components: CortexComponent[] = [];
  for (const line of lines.slice(header + 1)) {
    // Long lines are not rows; skipping them also bounds the regex's backtracking.
    if (line.trim() === '' || line.length > 1000) continue;
    const m = /^\s*(\S(?:.*?\S)?)\s+(\d+)\s+(\S+)\s+([A-Za-z][\w-]*)(?:\s+.*)?$/.exec(line);
    if (!m?.[1] || !m[2] || !m[4]) continue;
    if (components.length < 32) components.push({ name: m[1].slice(0, 64), pid: Number(m[2]), status: m[4] });
  }
  if (components.length === 0) return { ok: false, error: 'no components listed' };
  return { ok: true, components };
}

/** Healthy when every component is `Running` (processes) or `Loaded` (drivers). */
export function cytoolReading(p: Extract<ParsedCytoolRuntime, { ok: true }>): ProductReading {
  const bad = p.components.filter((c) => !/^(running|loaded)$/i.test(c.status));
  const r: ProductReading = { healthy: bad.length === 0, issues: bad.map((c) => `component ${c.name} is ${c.status}`) };
  if (p.components.some((c) => /^running$/i.test(c.status))) r.running = true;
  return r;
}
