/** SentinelOne `sentinelctl` output (Linux and macOS) and what it says about the agent. */
import type { ProductReading } from './assemble.js';

export type ParsedSentinelctl =
  | {
      ok: true;
      version?: string;
      /** Linux `Agent state`, macOS `Agent Operational State`. */
      agentEnabled?: boolean;
      /** macOS `Protection`. */
      protectionEnabled?: boolean;
      ready?: boolean;
      infected?: boolean;
      networkQuarantine?: boolean;
      antiTamper?: boolean;
      /** Linux `Connectivity`, macOS `Management` → `Connected`. */
      connected?: boolean;
    }
  | { ok: false; error: string };

function flag(v: string | undefined, on: RegExp, off: RegExp): boolean | undefined {
  if (v === undefined) return undefined;
  if (on.test(v)) return true;
  if (off.test(v)) return false;
  return undefined;
}

const ON = /^(on|enabled|yes|true)$/i;
const OFF = /^(off|disabled|no|false)\b/i;

/**
 * Parses `sentinelctl` output into a key → value map (keys lower-case, macOS keys also
 * as `section.key`) and picks the fields we use. Recognises the Linux column form, the
 * macOS indented `Key: value` form, and the macOS `version` line:
 *
 * ```
 * Agent version: 30.1.1.10          (Linux `version`)
 * Agent state      Enabled          (Linux `control status`)
 * Connectivity                     On   (Linux `management status`)
 * Agent                             (macOS `status`)
 *    Version:                           24.1.2.7444
 *    Agent Operational State:           enabled
 * SentinelOne 24.1.2.7444           (macOS `version`)
 * ```
 */
export function parseSentinelctl(text: string): ParsedSentinelctl {
  const map = new Map<string, string>();
  let section = '';
  let versionLine: string | undefined;
  for (const raw of text.split('\n')) {
    // Long lines are not key/value pairs; skipping them also bounds regex backtracking.
    if (raw.trim() === '' || raw.length > 1000) continue;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    const s1 = /^SentinelOne\s+(\d+(?:\.\d+)+)$/.exec(line);
    if (s1?.[1]) {
      versionLine = s1[1];
      continue;
    }
    let key: string | undefined;
    let value: string | undefined;
    const colon = /^([^:]+?):\s*(.*)$/.exec(line);
    if (colon?.[1] && !/\s{2,}/.test(colon[1])) {
      key = colon[1];
      value = colon[2];
    } else {
      const cols = /^(\S.*?)\s{2,}(\S.*)$/.exec(line);
      if (cols?.[1]) {
        key = cols[1];
        value = cols[2];
      }
    }
    if (key === undefined) {
      // A macOS section header: `Agent`, `Management`.
      if (indent === 0) section = line.toLowerCase();
      continue;
    }
    const k = key.trim().toLowerCase();
    const v = (value ?? '').trim();
    if (indent === 0 && v === '' && colon) section = k;
    if (!map.has(k)) map.set(k, v);
    if (indent > 0 && section && !map.has(`${section}.${k}`)) map.set(`${section}.${k}`, v);
  }
  const versionRaw = map.get('agent version') ?? map.get('agent.version') ?? versionLine;
  const version = versionRaw && /^\d+(\.\d+)+$/.test(versionRaw) ? versionRaw : undefined;
  const result: Extract<ParsedSentinelctl, { ok: true }> = { ok: true };
  if (version) result.version = version;
  const fields: [keyof typeof result, boolean | undefined][] = [
    ['agentEnabled', flag(map.get('agent state') ?? map.get('agent operational state'), ON, OFF)],
    ['protectionEnabled', flag(map.get('agent.protection'), ON, OFF)],
    ['ready', flag(map.get('agent.ready'), ON, OFF)],
    ['infected', flag(map.get('agent.infected'), ON, OFF)],
    ['networkQuarantine', flag(map.get('agent.network quarantine'), ON, OFF)],
    ['antiTamper', flag(map.get('anti tamper'), ON, OFF)],
    ['connected', flag(map.get('connectivity') ?? map.get('management.connected'), ON, OFF)],
  ];
  for (const [k, v] of fields) if (v !== undefined) (result as Record<string, unknown>)[k] = v;
  if (Object.keys(result).length === 1) return { ok: false, error: 'unrecognised output' };
  return result;
}

/** Merges several parses (Linux runs three subcommands); earlier values win. */
export function mergeSentinelctl(parts: readonly Extract<ParsedSentinelctl, { ok: true }>[]): Extract<ParsedSentinelctl, { ok: true }> {
  const merged: Record<string, unknown> = { ok: true };
  for (const p of parts) for (const [k, v] of Object.entries(p)) if (v !== undefined && !(k in merged)) merged[k] = v;
  return merged as Extract<ParsedSentinelctl, { ok: true }>;
}

/**
 * The agent is healthy when enabled and not infected, quarantined or un-ready; macOS
 * `Protection` is its real-time protection; management connectivity means registered.
 */
export function sentinelctlReading(p: Extract<ParsedSentinelctl, { ok: true }>): ProductReading {
  const r: ProductReading = { issues: [], missing: [] };
  if (p.version) r.version = p.version;
  const problems: string[] = [];
  if (p.agentEnabled === false) problems.push('the agent is disabled');
  if (p.ready === false) problems.push('the agent is not ready');
  if (p.infected === true) problems.push('the agent reports an active infection');
  if (p.networkQuarantine === true) problems.push('the device is in network quarantine');
  r.issues?.push(...problems);
  if (problems.length > 0) r.healthy = false;
  else if (p.agentEnabled === true) r.healthy = true;
  else r.missing?.push({ fact: 'healthy', reason: 'parse-error', detail: 'sentinelctl gave no agent state' });
  if (p.agentEnabled === true) r.running = true;
  if (p.protectionEnabled !== undefined) {
    r.realTimeProtection = p.protectionEnabled;
    if (!p.protectionEnabled) r.issues?.push('protection is disabled');
  }
  if (p.antiTamper !== undefined) r.tamperProtection = p.antiTamper;
  if (p.connected !== undefined) {
    r.registered = p.connected;
    if (!p.connected) r.issues?.push('not connected to the SentinelOne management console');
  }
  return r;
}
