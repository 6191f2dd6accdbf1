/** Parser for Windows `dsregcmd /status` (device join state, user state, SSO state, …). */
import { lines, unrecognised, unusableText, yesNo, type Unrecognised } from '../firewall/parse-util.js';

/** Section title (`Device State`, `User State`, …) to its `Key : value` pairs. */
export type DsregcmdSections = Record<string, Record<string, string>>;

export type ParsedDsregcmd = { ok: true; sections: DsregcmdSections } | Unrecognised;

/** Keys that only dsregcmd prints; at least one must be present. */
const KNOWN_KEYS = ['AzureAdJoined', 'EnterpriseJoined', 'DomainJoined', 'NgcSet', 'WorkplaceJoined', 'AzureAdPrt', 'TenantName', 'DeviceId'];

/**
 * Parses `dsregcmd /status`. Sections are boxed titles; fields are `Key : value` with
 * any amount of padding (real output right-aligns keys and may pad values with spaces):
 * ```
 * +----------------------------------------------------------------------+
 * | Device State                                                         |
 * +----------------------------------------------------------------------+
 *              AzureAdJoined : YES
 *           EnterpriseJoined : NO
 *               DomainJoined : YES
 *                 DomainName : HYBRIDADFS
 * ```
 * Values keep everything after the first ` : ` (URLs and times contain colons), trimmed;
 * an empty value (`MdmUrl : `) is kept as `''`. Fields before any title go to section
 * `''`. Text with none of the keys only dsregcmd prints is unrecognised. Never throws.
 */
export function parseDsregcmdStatus(text: string): ParsedDsregcmd {
  const bad = unusableText(text);
  if (bad) return bad;
  const sections: DsregcmdSections = {};
  let current = '';
  let found = false;
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '' || /^\+-+\+$/.test(line)) continue;
    const title = /^\|\s*(.*?)\s*\|$/.exec(line);
    if (title) {
      current = (title[1] ?? '').slice(0, 128);
      // Hostile text must not reach Object.prototype through a section named `__proto__`.
      if (current === '__proto__') current = '';
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9 ()._-]*?)\s*:(?:\s+(.*))?$/.exec(line);
    if (!kv) continue;
    const key = (kv[1] ?? '').slice(0, 128);
    if (/^(https?|For more information)/i.test(key)) continue;
    if (!Object.hasOwn(sections, current)) sections[current] = {};
    const section = sections[current] as Record<string, string>;
    if (!Object.hasOwn(section, key)) section[key] = (kv[2] ?? '').trim().slice(0, 1024);
    if (KNOWN_KEYS.includes(key)) found = true;
  }
  if (!found) return unrecognised('none of the keys dsregcmd prints (AzureAdJoined, NgcSet, …)');
  return { ok: true, sections };
}

/** The join state dsregcmd reports, typed. `YES`/`NO` only; anything else stays undefined. */
export interface DsregcmdJoinState {
  azureAdJoined?: boolean;
  enterpriseJoined?: boolean;
  domainJoined?: boolean;
  domainName?: string;
  workplaceJoined?: boolean;
  tenantName?: string;
  /** Tenant's MDM enrollment URL: configuration of the tenant, not proof of enrollment. */
  mdmUrl?: string;
  /** Windows Hello for Business key set up for the user. */
  ngcSet?: boolean;
}

/** Picks the join-state fields out of parsed sections (first section that has each key). */
export function dsregcmdJoinState(sections: DsregcmdSections): DsregcmdJoinState {
  const get = (key: string): string | undefined => {
    for (const s of Object.values(sections)) if (Object.hasOwn(s, key)) return s[key];
    return undefined;
  };
  const out: DsregcmdJoinState = {};
  const bools: ReadonlyArray<readonly [keyof DsregcmdJoinState, string]> = [
    ['azureAdJoined', 'AzureAdJoined'],
    ['enterpriseJoined', 'EnterpriseJoined'],
    ['domainJoined', 'DomainJoined'],
    ['workplaceJoined', 'WorkplaceJoined'],
    ['ngcSet', 'NgcSet'],
  ];
  for (const [field, key] of bools) {
    const b = yesNo(get(key));
    if (b !== undefined) (out as Record<string, unknown>)[field] = b;
  }
  const strings: ReadonlyArray<readonly [keyof DsregcmdJoinState, string]> = [
    ['domainName', 'DomainName'],
    ['tenantName', 'TenantName'],
    ['mdmUrl', 'MdmUrl'],
  ];
  for (const [field, key] of strings) {
    const v = get(key);
    if (v) (out as Record<string, unknown>)[field] = v.slice(0, 256);
  }
  return out;
}
