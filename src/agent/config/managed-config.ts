/**
 * Managed configuration: settings an administrator deploys through the OS (MDM, GPO,
 * configuration management) that take precedence over the user's own settings.
 *
 * Where it lives (the reading is done by the shell; everything here is pure):
 * - Linux: `/etc/ai-factory-posture/managed.json` (a JSON object);
 * - macOS: managed preferences for the app id, `/Library/Managed Preferences/dev.ai-factory-posture.agent.plist`
 *   (and the per-user `/Library/Managed Preferences/<user>/…` one, which wins); XML plists are parsed here,
 *   binary plists too (MDM usually writes those);
 * - Windows: the policy registry key `HKLM\SOFTWARE\Policies\AIFactoryPosture` (`reg query` output).
 * Keys are matched case-insensitively (`ServiceUrl` in the registry, `serviceUrl` in JSON).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Platform } from '../../shared/check-ids.js';
import { parseRegQuery, regNumber } from '../checks/windows-registry.js';

export const APP_ID = 'dev.ai-factory-posture.agent';

export const TraySettingsSchema = Type.Object(
  {
    /** The posture service URL (https, or http on loopback for tests). */
    serviceUrl: Type.Optional(Type.String({ maxLength: 2048, pattern: '^(https://|http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:|/|$))' })),
    /** A one-time enrolment code the MDM delivers, so the user never types one. */
    enrollmentCode: Type.Optional(Type.String({ minLength: 8, maxLength: 128 })),
    /** Show Quit in the tray menu (managed fleets set false). */
    allowQuit: Type.Optional(Type.Boolean()),
    /** Start the tray app at login. */
    startAtLogin: Type.Optional(Type.Boolean()),
    /** Desktop notifications on state changes. */
    notifications: Type.Optional(Type.Boolean()),
    /** OIDC issuer for the MFA check. */
    mfaIssuer: Type.Optional(Type.String({ maxLength: 2048, pattern: '^https://' })),
  },
  { additionalProperties: false },
);
export type TraySettings = Static<typeof TraySettingsSchema>;
export type SettingKey = keyof TraySettings;

export const SETTING_KEYS = Object.keys(TraySettingsSchema.properties) as SettingKey[];

export const DEFAULT_SETTINGS: Required<Pick<TraySettings, 'allowQuit' | 'startAtLogin' | 'notifications'>> = { allowQuit: true, startAtLogin: true, notifications: true };

export type ManagedSource =
  | { kind: 'json-file'; path: string }
  | { kind: 'plist'; paths: string[] }
  | { kind: 'registry'; key: string };

/** Where managed configuration lives on a platform; later plist paths win over earlier ones. */
export function managedSourceFor(platform: Platform, user?: string): ManagedSource {
  switch (platform) {
    case 'linux':
      return { kind: 'json-file', path: '/etc/ai-factory-posture/managed.json' };
    case 'darwin':
      return { kind: 'plist', paths: [`/Library/Managed Preferences/${APP_ID}.plist`, ...(user && /^[A-Za-z0-9._-]+$/.test(user) ? [`/Library/Managed Preferences/${user}/${APP_ID}.plist`] : [])] };
    case 'win32':
      return { kind: 'registry', key: 'HKLM\\SOFTWARE\\Policies\\AIFactoryPosture' };
  }
}

export interface ManagedConfig {
  settings: TraySettings;
  /** Keys or files that were ignored, and why (shown in diagnostics, never fatal). */
  problems: string[];
}

/**
 * Keeps the known, valid keys of a raw object (from JSON, a plist or the registry).
 * Integers 0/1 become booleans for boolean settings (registry DWORDs). Unknown keys and
 * invalid values are dropped with a problem each: one bad key never discards the rest.
 */
export function normaliseManaged(raw: Readonly<Record<string, unknown>>): ManagedConfig {
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [rawKey, rawValue] of Object.entries(raw)) {
    const key = SETTING_KEYS.find((k) => k.toLowerCase() === rawKey.toLowerCase());
    if (!key) {
      problems.push(`unknown key ${rawKey}`);
      continue;
    }
    const schema = TraySettingsSchema.properties[key];
    let value = rawValue;
    if (schema.type === 'boolean' && (value === 0 || value === 1)) value = value === 1;
    if (!Value.Check(schema, value)) {
      problems.push(`invalid value for ${key}`);
      continue;
    }
    settings[key] = value;
  }
  return { settings: settings as TraySettings, problems };
}

/** Parses `managed.json`; a file that is not a JSON object yields no settings and a problem. */
export function parseManagedJson(text: string): ManagedConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { settings: {}, problems: ['managed.json is not valid JSON'] };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { settings: {}, problems: ['managed.json is not a JSON object'] };
  return normaliseManaged(data as Record<string, unknown>);
}

/**
 * Parses `reg query HKLM\SOFTWARE\Policies\AIFactoryPosture`:
 * ```
 * HKEY_LOCAL_MACHINE\SOFTWARE\Policies\AIFactoryPosture
 *     ServiceUrl    REG_SZ    https://posture.example.com
 *     AllowQuit    REG_DWORD    0x0
 * ```
 * Exit code 1 with "unable to find" means no policy: pass `text` empty for that.
 */
export function parseRegistryPolicy(text: string): ManagedConfig {
  if (text.trim() === '') return { settings: {}, problems: [] };
  const parsed = parseRegQuery(text);
  if (!parsed.ok) return { settings: {}, problems: [`policy registry output not recognised: ${parsed.error}`] };
  const raw: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(parsed.keys[0]?.values ?? {})) {
    if (v.type === 'REG_DWORD' || v.type === 'REG_QWORD') raw[name] = regNumber(v);
    else if (v.type === 'REG_SZ' || v.type === 'REG_EXPAND_SZ') raw[name] = v.data;
  }
  return normaliseManaged(raw);
}

/** Parses a managed-preferences plist, XML or binary; later files override earlier ones via `mergeManaged`. */
export function parsePlist(data: Uint8Array): ManagedConfig {
  const head = new TextDecoder().decode(data.subarray(0, 8));
  let raw: Record<string, unknown> | undefined;
  try {
    raw = head.startsWith('bplist00') ? parseBinaryPlistDict(data) : parseXmlPlistDict(new TextDecoder().decode(data));
  } catch (e) {
    return { settings: {}, problems: [`plist not readable: ${(e as Error).message}`] };
  }
  return raw ? normaliseManaged(raw) : { settings: {}, problems: ['plist has no top-level dict'] };
}

/** Top-level `<dict>` of an XML plist: strings, integers, reals and booleans (other values are skipped). */
export function parseXmlPlistDict(xml: string): Record<string, unknown> | undefined {
  let body = /<plist[^>]*>\s*<dict>([\s\S]*)<\/dict>\s*<\/plist>/.exec(xml)?.[1];
  if (body === undefined) return undefined;
  // Drop nested containers (innermost first) so their keys are not read as top-level ones.
  for (let prev = ''; prev !== body; ) {
    prev = body;
    body = body.replace(/<(dict|array)>(?:(?!<\/?(?:dict|array)>)[\s\S])*<\/\1>|<(?:dict|array)\s*\/>/g, '<nested/>');
  }
  const out: Record<string, unknown> = {};
  const re = /<key>([^<]*)<\/key>\s*(?:<(string|integer|real)>([^<]*)<\/\2>|<(true|false)\s*\/>|<(string)\s*\/>|<nested\/>)/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const key = unescapeXml(m[1] ?? '');
    if (!m[2] && !m[4] && !m[5]) continue; // a nested container: not a setting
    if (m[4]) out[key] = m[4] === 'true';
    else if (m[5]) out[key] = '';
    else if (m[2] === 'string') out[key] = unescapeXml(m[3] ?? '');
    else out[key] = Number(m[3]);
  }
  return out;
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/**
 * Top-level dict of a binary plist (`bplist00`): ASCII/UTF-16 strings, ints, reals and
 * booleans as values; nested containers are skipped. @throws Error on a malformed file.
 */
export function parseBinaryPlistDict(buf: Uint8Array): Record<string, unknown> | undefined {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 40) throw new Error('binary plist too short');
  const t = buf.length - 32;
  const offsetSize = dv.getUint8(t + 6);
  const refSize = dv.getUint8(t + 7);
  const numObjects = Number(dv.getBigUint64(t + 8));
  const top = Number(dv.getBigUint64(t + 16));
  const tableOffset = Number(dv.getBigUint64(t + 24));
  if (numObjects > 10_000 || tableOffset + numObjects * offsetSize > t) throw new Error('binary plist trailer out of range');
  const uint = (at: number, size: number): number => {
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + (buf[at + i] ?? 0);
    return v;
  };
  const offsetOf = (ref: number): number => {
    if (ref >= numObjects) throw new Error('object reference out of range');
    return uint(tableOffset + ref * offsetSize, offsetSize);
  };
  const lengthAt = (at: number): { len: number; start: number } => {
    const low = (buf[at] ?? 0) & 0x0f;
    if (low !== 0x0f) return { len: low, start: at + 1 };
    const size = 1 << ((buf[at + 1] ?? 0) & 0x0f);
    return { len: uint(at + 2, size), start: at + 2 + size };
  };
  const read = (ref: number): unknown => {
    const at = offsetOf(ref);
    const marker = buf[at] ?? 0;
    const hi = marker >> 4;
    if (marker === 0x08) return false;
    if (marker === 0x09) return true;
    if (hi === 0x1) {
      const size = 1 << (marker & 0x0f);
      return size === 8 ? Number(dv.getBigInt64(at + 1)) : uint(at + 1, size);
    }
    if (hi === 0x2) return (marker & 0x0f) === 3 ? dv.getFloat64(at + 1) : dv.getFloat32(at + 1);
    if (hi === 0x5) {
      const { len, start } = lengthAt(at);
      return new TextDecoder('latin1').decode(buf.subarray(start, start + len));
    }
    if (hi === 0x6) {
      const { len, start } = lengthAt(at);
      let s = '';
      for (let i = 0; i < len; i++) s += String.fromCharCode(dv.getUint16(start + i * 2));
      return s;
    }
    return undefined; // data, dates, arrays, nested dicts: not settings we read
  };
  const topAt = offsetOf(top);
  if ((buf[topAt] ?? 0) >> 4 !== 0xd) return undefined;
  const { len, start } = lengthAt(topAt);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < len; i++) {
    const key = read(uint(start + i * refSize, refSize));
    const value = read(uint(start + (len + i) * refSize, refSize));
    if (typeof key === 'string' && value !== undefined) out[key] = value;
  }
  return out;
}

/** Later sources win (machine-wide first, then per-user). */
export function mergeManaged(configs: readonly ManagedConfig[]): ManagedConfig {
  return { settings: Object.assign({}, ...configs.map((c) => c.settings)) as TraySettings, problems: configs.flatMap((c) => c.problems) };
}

export interface EffectiveSettings {
  settings: TraySettings & typeof DEFAULT_SETTINGS;
  /** Keys fixed by managed configuration: the UI shows them read-only and user changes are ignored. */
  locked: SettingKey[];
}

/** Defaults, then the user's settings, then managed settings, which always win. */
export function effectiveSettings(user: TraySettings, managed: ManagedConfig): EffectiveSettings {
  const userValid = normaliseManaged(user as Record<string, unknown>).settings;
  return {
    settings: { ...DEFAULT_SETTINGS, ...userValid, ...managed.settings },
    locked: SETTING_KEYS.filter((k) => managed.settings[k] !== undefined),
  };
}
