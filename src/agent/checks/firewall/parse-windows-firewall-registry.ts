/**
 * Windows Firewall's per-profile on/off switches as the registry holds them: the
 * locale-independent fallback between `Get-NetFirewallProfile` and the English-only netsh.
 *
 * - Local settings: `HKLM\SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy\
 *   {DomainProfile,StandardProfile,PublicProfile}`, value `EnableFirewall` (REG_DWORD 0/1).
 *   `StandardProfile` is the Private profile.
 * - Group Policy: `HKLM\SOFTWARE\Policies\Microsoft\WindowsFirewall\<profile>` `EnableFirewall`.
 *   A configured policy value wins over the local one ([MS-FASP] 2.2.38: for the enable
 *   switch "the value of the GroupPolicyRSoPStore win[s] if it is configured; otherwise, the
 *   local store value is used"). "Windows Firewall with Advanced Security" policies write
 *   `DomainProfile`, `PrivateProfile` and `PublicProfile`; the older Administrative Templates
 *   write `DomainProfile` and `StandardProfile`, which Windows applies to both the Private
 *   and the Public profile. The profile's own key is preferred when both are configured.
 *
 * `DefaultInboundAction` is deliberately not read (see the collector): the watcher's
 * verdict does not depend on it, and reading it would mean the whole `FirewallPolicy` tree
 * (hundreds of rules) or more reg processes every few seconds. MDM (Firewall CSP) settings
 * are not read either.
 */
import { parseRegQuery, regDwordSwitch, type RegKey } from '../windows-registry.js';
import { excerpt, unrecognised, type Unrecognised } from './parse-util.js';
import type { ParsedWindowsFirewall, WindowsFirewallProfile } from './parse-windows-firewall.js';

/** The local firewall settings key. */
export const FIREWALL_LOCAL_KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy';
/** The Group Policy firewall key (commonly absent: no firewall policy). */
export const FIREWALL_POLICY_KEY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall';

/** `reg` arguments reading every `EnableFirewall` below `key` in one process (and nothing else). */
export function enableFirewallQuery(key: string): string[] {
  return ['query', key, '/s', '/v', 'EnableFirewall'];
}

type ProfileKey = 'DomainProfile' | 'StandardProfile' | 'PrivateProfile' | 'PublicProfile';
type Switches = Partial<Record<ProfileKey, boolean>>;

export interface FirewallRegistrySwitches {
  local: Switches;
  policy: Switches;
}

const LOCAL_PATH = /\\FirewallPolicy\\(DomainProfile|StandardProfile|PublicProfile)$/i;
const POLICY_PATH = /\\Policies\\Microsoft\\WindowsFirewall\\(DomainProfile|StandardProfile|PrivateProfile|PublicProfile)$/i;
const CANONICAL: Readonly<Record<string, ProfileKey>> = { domainprofile: 'DomainProfile', standardprofile: 'StandardProfile', privateprofile: 'PrivateProfile', publicprofile: 'PublicProfile' };

/** Each profile: the name the PowerShell and netsh readings use, its local key, its policy keys in order of precedence. */
const PROFILES: readonly { name: WindowsFirewallProfile['name']; local: ProfileKey; policy: readonly ProfileKey[] }[] = [
  { name: 'Domain', local: 'DomainProfile', policy: ['DomainProfile'] },
  { name: 'Private', local: 'StandardProfile', policy: ['PrivateProfile', 'StandardProfile'] },
  { name: 'Public', local: 'PublicProfile', policy: ['PublicProfile', 'StandardProfile'] },
];

/**
 * The `EnableFirewall` switches in registry keys, sorted into the local and the policy store
 * by their paths; keys elsewhere (a profile's `Logging` subkey, an MDM store) are ignored.
 * A switch that is not a REG_DWORD 0 or 1 is unrecognised, never guessed. Never throws.
 */
export function firewallSwitches(keys: readonly RegKey[]): { ok: true; switches: FirewallRegistrySwitches } | Unrecognised {
  const switches: FirewallRegistrySwitches = { local: {}, policy: {} };
  for (const key of keys) {
    const local = LOCAL_PATH.exec(key.path);
    const policy = local ? undefined : POLICY_PATH.exec(key.path);
    const m = local ?? policy;
    const profile = m ? CANONICAL[(m[1] ?? '').toLowerCase()] : undefined;
    const raw = key.values.EnableFirewall;
    if (!profile || !raw) continue;
    const on = regDwordSwitch(raw);
    if (on === undefined) return unrecognised(`EnableFirewall of ${excerpt(key.path.split('\\').slice(-2).join('\\'))} is ${excerpt(`${raw.type} ${raw.data}`)}, not a REG_DWORD 0 or 1`);
    const store = local ? switches.local : switches.policy;
    if (store[profile] === undefined) store[profile] = on;
  }
  return { ok: true, switches };
}

/**
 * The effective on/off state of the Domain, Private and Public profiles: the policy value
 * when configured, else the local one. A profile with neither is unrecognised (the reading
 * falls through to netsh), never assumed on. Never throws.
 */
export function resolveFirewallSwitches(s: FirewallRegistrySwitches): ParsedWindowsFirewall {
  const profiles: WindowsFirewallProfile[] = [];
  for (const p of PROFILES) {
    const fromPolicy = p.policy.map((k) => s.policy[k]).find((v) => v !== undefined);
    const enabled = fromPolicy ?? s.local[p.local];
    if (enabled === undefined) return unrecognised(`no EnableFirewall value for the ${p.name} profile (FirewallPolicy\\${p.local})`);
    profiles.push({ name: p.name, enabled });
  }
  return { ok: true, profiles };
}

/**
 * Parses the output of `reg query <FIREWALL_LOCAL_KEY> /s /v EnableFirewall`, optionally
 * followed by that of the same query of {@link FIREWALL_POLICY_KEY} (the paths say which
 * store each value is from):
 * ```
 * HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy\DomainProfile
 *     EnableFirewall    REG_DWORD    0x1
 *
 * HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy\PublicProfile
 *     EnableFirewall    REG_DWORD    0x0
 *
 * HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy\StandardProfile
 *     EnableFirewall    REG_DWORD    0x1
 *
 * End of search: 3 match(es) found.
 * ```
 * Returns the three profiles (see {@link resolveFirewallSwitches}), or unrecognised for
 * output that is not reg's, a switch that is not 0/1, or a profile with no value. Never throws.
 */
export function parseFirewallRegistry(text: string): ParsedWindowsFirewall {
  const reg = parseRegQuery(text);
  if (!reg.ok) return reg;
  const s = firewallSwitches(reg.keys);
  return s.ok ? resolveFirewallSwitches(s.switches) : s;
}
