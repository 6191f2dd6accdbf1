/** CrowdStrike Falcon (Linux) `falconctl -g …` output and what it says about the sensor. */
import type { ProductReading } from './assemble.js';

export type ParsedFalconctl =
  | {
      ok: true;
      /** Option → value, quotes and the trailing period removed: `{ aid: '44e3…', version: '7.14.16703.0' }`. */
      values: Record<string, string>;
      /** Options falconctl says are not set (lower-case): `['aid', 'rfm-state']`. */
      notSet: string[];
      /** `ERROR:` lines without the prefix. */
      errors: string[];
    }
  | { ok: false; error: string };

/** Splits on `, ` outside double quotes. */
function splitOptions(line: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    if (!quoted && c === ',' && line[i + 1] === ' ') {
      parts.push(cur);
      cur = '';
      i += 1;
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  return parts;
}

/**
 * Parses `falconctl -g --aid --rfm-state --version` (one option or several on one line):
 *
 * ```
 * aid="44e3b7d20b434a2bb2815d9808fa3a8b".
 * rfm-state=false.
 * version = 7.14.16703.0
 * cid="ac917ab****", aid is not set, rfm-state is not set, version = 6.38.13501.0
 * CID is not set. Use falconctl to set the CID
 * ERROR: failed to process the option --cid
 * ```
 */
export function parseFalconctl(text: string): ParsedFalconctl {
  const values: Record<string, string> = {};
  const notSet: string[] = [];
  const errors: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const err = /^ERROR:\s*(.*)$/i.exec(line);
    if (err) {
      errors.push((err[1] ?? '').slice(0, 200));
      continue;
    }
    // The single-option form ends with a period: `rfm-state=false.`
    const body = line.endsWith('.') ? line.slice(0, -1) : line;
    for (const token of splitOptions(body).map((t) => t.trim())) {
      const unset = /^([a-z][\w-]*) is not set\b/i.exec(token);
      if (unset?.[1]) {
        const key = unset[1].toLowerCase();
        if (!notSet.includes(key)) notSet.push(key);
        continue;
      }
      const kv = /^([a-z][\w-]*)\s*=\s*(.*)$/i.exec(token);
      if (kv?.[1] && kv[2] !== undefined) {
        const key = kv[1].toLowerCase();
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
        values[key] = kv[2].replace(/^"(.*)"$/, '$1').slice(0, 200);
      }
    }
  }
  if (Object.keys(values).length === 0 && notSet.length === 0) {
    return { ok: false, error: errors.length > 0 ? `falconctl: ${errors[0]}` : 'unrecognised output' };
  }
  return { ok: true, values, notSet, errors };
}

/**
 * What falconctl says about the sensor: an agent ID means registered with the cloud;
 * `rfm-state=true` (Reduced Functionality Mode, e.g. unsupported kernel) means unhealthy.
 */
export function falconctlReading(p: Extract<ParsedFalconctl, { ok: true }>): ProductReading {
  const r: ProductReading = { issues: [], missing: [] };
  const aid = p.values.aid;
  if (aid && /^[0-9a-f]{16,64}$/i.test(aid)) r.registered = true;
  if (p.notSet.includes('aid')) {
    r.registered = false;
    r.issues?.push('no agent ID: the sensor is not registered with the CrowdStrike cloud');
  }
  if (p.notSet.includes('cid')) {
    r.registered = false;
    r.issues?.push('no customer ID (CID) is set');
  }
  const rfm = p.values['rfm-state'];
  if (rfm === 'false') r.healthy = true;
  else if (rfm === 'true') {
    r.healthy = false;
    r.issues?.push('reduced functionality mode');
  } else if (p.notSet.includes('rfm-state')) {
    r.missing?.push({ fact: 'healthy', reason: 'probe-failed', detail: 'falconctl reports rfm-state is not set' });
  } else {
    r.missing?.push({ fact: 'healthy', reason: 'parse-error', detail: rfm === undefined ? 'falconctl gave no rfm-state' : `unrecognised rfm-state "${rfm.slice(0, 40)}"` });
  }
  const version = p.values.version;
  if (version && /^\d+(\.\d+)+$/.test(version)) r.version = version;
  for (const e of p.errors) r.issues?.push(`falconctl: ${e}`);
  return r;
}
