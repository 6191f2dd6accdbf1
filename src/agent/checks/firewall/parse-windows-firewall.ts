/** Parsers for Windows Firewall: PowerShell `Get-NetFirewallProfile` JSON and `netsh advfirewall`. */
import { excerpt, lines, lookup, unrecognised, unusableText, parseJsonText, type Unrecognised } from './parse-util.js';

export interface WindowsFirewallProfile {
  /** `Domain`, `Private`, `Public`. */
  name: string;
  enabled: boolean;
  /** `Block`, `Allow` or `NotConfigured` (which means the Windows default, Block). */
  defaultInboundAction?: string;
  /** Connected to a network of this category right now. */
  active?: boolean;
}

export type ParsedWindowsFirewall = { ok: true; profiles: WindowsFirewallProfile[] } | Unrecognised;

/**
 * The fixed PowerShell script the collector runs. Enums are turned into their names so
 * the JSON does not depend on how a PowerShell version serialises them.
 */
export const FIREWALL_PROFILES_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  '$p = @(Get-NetFirewallProfile | ForEach-Object { [pscustomobject]@{ Name = [string]$_.Name; Enabled = [string]$_.Enabled; DefaultInboundAction = [string]$_.DefaultInboundAction } })',
  '$a = @(Get-NetConnectionProfile -ErrorAction SilentlyContinue | ForEach-Object { [string]$_.NetworkCategory })',
  '[pscustomobject]@{ Profiles = $p; ActiveCategories = $a } | ConvertTo-Json -Compress -Depth 3',
].join('; ');

const GPO_BOOLEAN: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false };
const ACTIONS: Readonly<Record<string, string>> = { '0': 'NotConfigured', '2': 'Allow', '4': 'Block', notconfigured: 'NotConfigured', allow: 'Allow', block: 'Block' };
/** NetworkCategory names to the firewall profile they use. */
const CATEGORY_PROFILE: Readonly<Record<string, string>> = { public: 'Public', private: 'Private', domainauthenticated: 'Domain', '0': 'Public', '1': 'Private', '2': 'Domain' };

/**
 * Parses the JSON of {@link FIREWALL_PROFILES_SCRIPT}:
 * ```
 * {"Profiles":[{"Name":"Domain","Enabled":"True","DefaultInboundAction":"NotConfigured"},
 *              {"Name":"Private","Enabled":"True","DefaultInboundAction":"Block"},
 *              {"Name":"Public","Enabled":"False","DefaultInboundAction":"Block"}],
 *  "ActiveCategories":["Private"]}
 * ```
 * Also accepts a bare array (or single object) of profiles, and the numeric enum values
 * PowerShell 5.1 writes without the script's casts (`Enabled: 1`, `DefaultInboundAction: 4`).
 * `Enabled: NotConfigured` (2) or any unknown value is unrecognised, never guessed. Never throws.
 */
export function parseNetFirewallProfiles(text: string): ParsedWindowsFirewall {
  const json = parseJsonText(text);
  if (!json.ok) return json;
  const doc = json.value;
  let rawProfiles: unknown = doc;
  let active: Set<string> | undefined;
  if (isRecord(doc) && 'Profiles' in doc) {
    rawProfiles = doc.Profiles;
    const cats = doc.ActiveCategories;
    const list = Array.isArray(cats) ? cats : cats === undefined || cats === null ? [] : [cats];
    active = new Set(list.map((c) => lookup(CATEGORY_PROFILE, String(c).toLowerCase())).filter((p): p is string => !!p));
  }
  const list = Array.isArray(rawProfiles) ? rawProfiles : [rawProfiles];
  const profiles: WindowsFirewallProfile[] = [];
  for (const p of list) {
    if (!isRecord(p) || typeof p.Name !== 'string') return unrecognised('a profile without a Name');
    const enabled = lookup(GPO_BOOLEAN, String(p.Enabled).toLowerCase());
    if (enabled === undefined) return unrecognised(`profile ${excerpt(p.Name)} has Enabled=${excerpt(String(p.Enabled))}`);
    const profile: WindowsFirewallProfile = { name: p.Name.slice(0, 64), enabled };
    const action = p.DefaultInboundAction === undefined ? undefined : lookup(ACTIONS, String(p.DefaultInboundAction).toLowerCase());
    if (action) profile.defaultInboundAction = action;
    if (active) profile.active = active.has(profile.name);
    profiles.push(profile);
  }
  if (profiles.length === 0) return unrecognised('no firewall profiles');
  return { ok: true, profiles };
}

/**
 * Parses `netsh advfirewall show allprofiles state` (English Windows only: the labels are
 * localised, so any other language is unrecognised rather than misread):
 * ```
 * Domain Profile Settings:
 * ----------------------------------------------------------------------
 * State                                 ON
 *
 * Private Profile Settings:
 * ----------------------------------------------------------------------
 * State                                 ON
 * Ok.
 * ```
 * Never throws.
 */
export function parseNetshAllProfilesState(text: string): ParsedWindowsFirewall {
  const bad = unusableText(text);
  if (bad) return bad;
  const profiles: WindowsFirewallProfile[] = [];
  let current: string | undefined;
  for (const raw of lines(text)) {
    const line = raw.trim();
    const header = /^(Domain|Private|Public) Profile Settings:?$/.exec(line);
    if (header) {
      current = header[1];
      continue;
    }
    const state = /^State\s+(ON|OFF)$/i.exec(line);
    if (state && current) {
      profiles.push({ name: current, enabled: (state[1] ?? '').toUpperCase() === 'ON' });
      current = undefined;
    }
  }
  if (profiles.length === 0) return unrecognised('no "<Profile> Profile Settings" / "State ON|OFF" pairs (localised or not netsh output)');
  return { ok: true, profiles };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
