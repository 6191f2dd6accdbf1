/** Microsoft Defender for Endpoint (Linux/macOS) `mdatp health` and what it says. */
import type { ProductReading } from './assemble.js';

export type ParsedMdatpHealth =
  | {
      ok: true;
      format: 'json' | 'text';
      healthy?: boolean;
      healthIssues?: string[];
      licensed?: boolean;
      appVersion?: string;
      realTimeProtectionEnabled?: boolean;
      realTimeProtectionAvailable?: boolean;
      passiveMode?: boolean;
      /** `block`, `audit` or `disabled`. */
      tamperProtection?: string;
      /** As printed: `upToDate` (JSON) or `up_to_date` (text). */
      definitionsStatus?: string;
      fullDiskAccess?: boolean;
    }
  | { ok: false; error: string };

type Ok = Extract<ParsedMdatpHealth, { ok: true }>;

/** Newer JSON wraps settings as `{displayValue, isManaged, value}`; older is plain. */
function unwrap(v: unknown): unknown {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'value' in v ? (v as { value: unknown }).value : v;
}

function bool(v: unknown): boolean | undefined {
  const u = unwrap(v);
  return typeof u === 'boolean' ? u : undefined;
}

function str(v: unknown, max = 64): string | undefined {
  const u = unwrap(v);
  if (u !== null && typeof u === 'object' && '$type' in u) return str((u as { $type: unknown }).$type, max);
  return typeof u === 'string' && u.length <= max ? u : undefined;
}

function strings(v: unknown): string[] | undefined {
  const u = unwrap(v);
  if (!Array.isArray(u)) return undefined;
  return u.slice(0, 16).map((x) => (typeof x === 'string' ? x : JSON.stringify(x) ?? '')).map((x) => x.slice(0, 200));
}

/** Picks the fields from either shape, given a getter for camelCase JSON keys. */
function pick(format: Ok['format'], get: (camel: string) => unknown): Ok {
  const r: Ok = { ok: true, format };
  const put = <K extends keyof Ok>(k: K, v: Ok[K] | undefined): void => {
    if (v !== undefined) r[k] = v;
  };
  put('healthy', bool(get('healthy')));
  put('healthIssues', strings(get('healthIssues')));
  put('licensed', bool(get('licensed')));
  put('appVersion', str(get('appVersion')));
  put('realTimeProtectionEnabled', bool(get('realTimeProtectionEnabled')));
  put('realTimeProtectionAvailable', bool(get('realTimeProtectionAvailable')));
  put('passiveMode', bool(get('passiveModeEnabled')));
  put('tamperProtection', str(get('tamperProtection')));
  put('definitionsStatus', str(get('definitionsStatus')));
  put('fullDiskAccess', bool(get('fullDiskAccessEnabled')));
  return r;
}

function parseJson(text: string): Ok | undefined {
  // Another line may precede the JSON object (seen in the wild): start at the first `{`.
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let obj: unknown;
  try {
    obj = JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const rec = obj as Record<string, unknown>;
  return pick('json', (k) => (Object.prototype.hasOwnProperty.call(rec, k) ? rec[k] : undefined));
}

function textValue(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^".*"$/.test(v) || /^\[.*\]$/.test(v)) {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }
  return v;
}

function parseText(text: string): Ok | undefined {
  const map = new Map<string, unknown>();
  for (const line of text.split('\n')) {
    const m = /^([a-z][a-z0-9_]*)\s+:\s?(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) map.set(m[1], textValue(m[2].trim()));
  }
  if (!map.has('healthy') && !map.has('real_time_protection_enabled')) return undefined;
  const snake = (camel: string): string => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return pick('text', (k) => map.get(snake(k)));
}

/**
 * Parses `mdatp health --output json` (or the default `key : value` text):
 *
 * ```
 * {"$type":"getHealthAllResult","appVersion":"101.23062.0010",…,"healthIssues":[],"healthy":true,
 *  "passiveModeEnabled":{"displayValue":true,"isManaged":false,"value":true},…}
 * healthy                                     : true
 * real_time_protection_enabled                : true
 * ```
 *
 * Output with neither `healthy` nor real-time protection is not mdatp health output.
 */
export function parseMdatpHealth(text: string): ParsedMdatpHealth {
  const json = parseJson(text);
  if (json && (json.healthy !== undefined || json.realTimeProtectionEnabled !== undefined)) return json;
  const plain = parseText(text);
  if (plain) return plain;
  return { ok: false, error: json ? 'JSON without health fields' : 'unrecognised output' };
}

/**
 * Defender's own `healthy` verdict; passive mode (another antivirus is primary) means
 * real-time protection is not protecting even when its setting says enabled; `licensed`
 * means onboarded to the tenant.
 */
export function mdatpReading(p: Ok): ProductReading {
  const r: ProductReading = { issues: [...(p.healthIssues ?? [])], missing: [], running: true };
  if (p.healthy !== undefined) r.healthy = p.healthy;
  else r.missing?.push({ fact: 'healthy', reason: 'parse-error', detail: 'mdatp health gave no healthy field' });
  if (p.appVersion) r.version = p.appVersion;
  if (p.licensed !== undefined) {
    r.registered = p.licensed;
    if (!p.licensed) r.issues?.push('not licensed (the device is not onboarded)');
  }
  if (p.passiveMode === true) {
    r.realTimeProtection = false;
    r.issues?.push('passive mode: another antivirus is expected to protect this device');
  } else if (p.realTimeProtectionEnabled !== undefined) {
    r.realTimeProtection = p.realTimeProtectionEnabled;
    if (!p.realTimeProtectionEnabled) r.issues?.push('real-time protection is off');
  }
  if (p.tamperProtection) r.tamperProtection = p.tamperProtection === 'block';
  if (p.definitionsStatus) {
    if (/^up_?to_?date$/i.test(p.definitionsStatus)) r.definitionsUpToDate = true;
    else if (/out_?of_?date/i.test(p.definitionsStatus)) r.definitionsUpToDate = false;
  }
  if (p.fullDiskAccess === false) r.issues?.push('Full Disk Access is not granted');
  return r;
}
