/** Carbon Black Cloud `repcli status` (Linux and macOS) and what it says about the sensor. */
import { yesNo } from '../parse-common.js';
import type { ProductReading } from './assemble.js';

export type ParsedRepcliStatus =
  | {
      ok: true;
      version?: string;
      /** `Sensor Status`/`Sensor State` → `State`: `Enabled`, `Disabled`, … */
      state?: string;
      registered?: boolean;
      quarantined?: boolean;
      /** Lines under the sensor state's `Details:`, trimmed: `FullDiskAccess:NotEnabled`. */
      details: string[];
    }
  | { ok: false; error: string };

/**
 * Parses `repcli status`: sections of indented `Key: value` lines (tabs on Linux,
 * spaces on macOS), with free-form lines under `Details:`:
 *
 * ```
 * General Info:
 *     Sensor Version: 3.7.2.81
 * Sensor State:
 *     State: Enabled
 *     Details:
 *         FullDiskAccess:NotEnabled
 * Cloud Status:
 *     Registered: Yes
 * ```
 */
export function parseRepcliStatus(text: string): ParsedRepcliStatus {
  const bySection = new Map<string, string>();
  const details: string[] = [];
  let section = '';
  let detailsIndent: number | undefined;
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    const lead = /^[\t ]*/.exec(raw)?.[0] ?? '';
    // A tab counts as one level of four spaces.
    const indent = lead.replace(/\t/g, '    ').length;
    const line = raw.trim();
    if (detailsIndent !== undefined) {
      if (indent > detailsIndent) {
        if (details.length < 32) details.push(line.slice(0, 200));
        continue;
      }
      detailsIndent = undefined;
    }
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (!m?.[1]) continue;
    const key = m[1].trim().toLowerCase();
    const value = (m[2] ?? '').trim();
    if (indent === 0) {
      section = key;
      continue;
    }
    if (key === 'details' && value === '' && /^sensor (status|state)$/.test(section)) {
      detailsIndent = indent;
      continue;
    }
    const k = `${section}.${key}`;
    if (!bySection.has(k)) bySection.set(k, value);
  }
  const result: Extract<ParsedRepcliStatus, { ok: true }> = { ok: true, details };
  const version = bySection.get('general info.sensor version');
  if (version && /^\d+(\.\d+)+$/.test(version)) result.version = version;
  const state = bySection.get('sensor status.state') ?? bySection.get('sensor state.state');
  if (state && state.length <= 64) result.state = state;
  const registered = yesNo(bySection.get('cloud status.registered'));
  if (registered !== undefined) result.registered = registered;
  const quarantined = yesNo(bySection.get('general info.quarantine'));
  if (quarantined !== undefined) result.quarantined = quarantined;
  if (result.version === undefined && result.state === undefined && result.registered === undefined) {
    return { ok: false, error: 'unrecognised output' };
  }
  return result;
}

/**
 * Healthy when the sensor state is `Enabled` and no detail reports a problem (no Full
 * Disk Access on macOS, a shutdown in progress) and the device is not quarantined.
 */
export function repcliReading(p: Extract<ParsedRepcliStatus, { ok: true }>): ProductReading {
  const r: ProductReading = { issues: [], missing: [] };
  if (p.version) r.version = p.version;
  if (p.registered !== undefined) {
    r.registered = p.registered;
    if (!p.registered) r.issues?.push('not registered with the Carbon Black cloud');
  }
  const problems: string[] = [];
  if (p.state !== undefined && !/^enabled$/i.test(p.state)) problems.push(`sensor state is ${p.state}`);
  if (p.details.some((d) => /^FullDiskAccess\s*:\s*NotEnabled$/i.test(d))) problems.push('Full Disk Access is not granted to the sensor');
  if (p.details.some((d) => /^Shutdown In Progress$/i.test(d))) problems.push('the sensor reports a shutdown in progress');
  if (p.quarantined === true) problems.push('the device is quarantined');
  r.issues?.push(...problems);
  if (problems.length > 0) r.healthy = false;
  else if (p.state !== undefined) r.healthy = true;
  else r.missing?.push({ fact: 'healthy', reason: 'parse-error', detail: 'repcli gave no sensor state' });
  if (p.state !== undefined && /^enabled$/i.test(p.state)) r.running = true;
  return r;
}
