/** Reads MDM enrollments out of `reg query HKLM\SOFTWARE\Microsoft\Enrollments /s`. */
import { lookup } from '../firewall/parse-util.js';
import { regNumber, type RegKey } from '../windows-registry.js';

export interface WindowsEnrollment {
  /** The enrollment's GUID subkey. */
  id: string;
  providerId: string;
  /** Normalised provider (`intune`, `workspace-one`, …) or the raw ProviderID. */
  provider: string;
  state?: number;
  type?: number;
  upn?: string;
  serverUrl?: string;
}

/** ProviderID values of known MDM services. */
const PROVIDERS: Readonly<Record<string, string>> = {
  'ms dm server': 'intune',
  airwatchmdm: 'workspace-one',
  airwatch: 'workspace-one',
  mobileiron: 'ivanti',
  citrix: 'citrix-endpoint-management',
  hexnode: 'hexnode',
  manageengine: 'manageengine',
};

/** ProviderIDs that are not an MDM service (the local WMI bridge, SCCM's own channel). */
const NOT_MDM = new Set(['wmi_bridge_server', 'sccm', 'local', '']);

/**
 * Active MDM enrollments: a direct subkey of `...\Enrollments\<GUID>` with a `ProviderID`
 * of an MDM service and `EnrollmentState` 1 (enrolled). Example:
 * ```
 * HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Enrollments\5B4C2A1E-…
 *     EnrollmentState    REG_DWORD    0x1
 *     EnrollmentType    REG_DWORD    0x6
 *     ProviderID    REG_SZ    MS DM Server
 *     DiscoveryServiceFullURL    REG_SZ    https://enrollment.manage.microsoft.com/enrollmentserver/discovery.svc
 * ```
 */
export function activeEnrollments(keys: readonly RegKey[]): WindowsEnrollment[] {
  const out: WindowsEnrollment[] = [];
  for (const key of keys) {
    const m = /\\SOFTWARE\\Microsoft\\Enrollments\\([0-9A-Fa-f-]{32,40})$/i.exec(key.path);
    if (!m) continue;
    const providerId = key.values.ProviderID?.data.trim() ?? '';
    if (NOT_MDM.has(providerId.toLowerCase())) continue;
    const state = regNumber(key.values.EnrollmentState);
    if (state !== 1) continue;
    const e: WindowsEnrollment = { id: m[1] ?? '', providerId, provider: lookup(PROVIDERS, providerId.toLowerCase()) ?? providerId.slice(0, 64), state };
    const type = regNumber(key.values.EnrollmentType);
    if (type !== undefined) e.type = type;
    const upn = key.values.UPN?.data.trim();
    if (upn) e.upn = upn.slice(0, 256);
    const url = key.values.DiscoveryServiceFullURL?.data.trim();
    if (url) e.serverUrl = url.slice(0, 512);
    out.push(e);
  }
  return out;
}
