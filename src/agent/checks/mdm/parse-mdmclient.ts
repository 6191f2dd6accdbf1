/**
 * Parsers for `/usr/libexec/mdmclient` queries. Its answers are Foundation descriptions
 * (old-style plist text) of the system daemon's reply and the user agent's reply.
 */
import { lines, unrecognised, unusableText, type Unrecognised } from '../firewall/parse-util.js';

/** The lines of one `<who> response: {` block, up to the next block. */
function responseBlock(text: string, who: 'Daemon' | 'Agent'): string[] | undefined {
  const all = lines(text);
  const start = all.findIndex((l) => l.trim() === `${who} response: {`);
  if (start < 0) return undefined;
  const rest = all.slice(start + 1);
  const end = rest.findIndex((l) => /^(Daemon|Agent) response:/.test(l.trim()));
  return end < 0 ? rest : rest.slice(0, end);
}

/** `Key = value;` lines of a block (first occurrence wins), quotes removed. */
function scalars(block: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of block) {
    const m = /^\s*"?([A-Za-z_][A-Za-z0-9_]*)"?\s*=\s*"?([^";{(]*)"?;\s*$/.exec(raw);
    if (m && !out.has(m[1] ?? '')) out.set(m[1] ?? '', (m[2] ?? '').trim());
  }
  return out;
}

function flag(v: string | undefined): boolean | undefined {
  return v === '1' ? true : v === '0' ? false : undefined;
}

export type ParsedMdmclientSecurityInfo =
  | {
      ok: true;
      fdeEnabled?: boolean;
      firewallEnabled?: boolean;
      blockAllIncoming?: boolean;
      stealthMode?: boolean;
      enrolledViaDep?: boolean;
      userApprovedEnrollment?: boolean;
      systemIntegrityProtection?: boolean;
      remoteDesktopEnabled?: boolean;
    }
  | Unrecognised;

/**
 * Parses `mdmclient QuerySecurityInfo` (root), reading the daemon's block only:
 * ```
 * Daemon response: {
 *     SecurityInfo =     {
 *         "FDE_Enabled" = 1;
 *         FirewallSettings =         {
 *             Applications =             ( … );
 *             BlockAllIncoming = 0;
 *             FirewallEnabled = 1;
 *             StealthMode = 0;
 *         };
 *         ManagementStatus =         {
 *             EnrolledViaDEP = 1;
 *             UserApprovedEnrollment = 1;
 *         };
 * ```
 * Needs a `SecurityInfo` dictionary in the daemon's block; absent keys stay undefined.
 * Never throws.
 */
export function parseMdmclientSecurityInfo(text: string): ParsedMdmclientSecurityInfo {
  const bad = unusableText(text);
  if (bad) return bad;
  const block = responseBlock(text, 'Daemon');
  if (!block) return unrecognised('no "Daemon response: {" block');
  if (!block.some((l) => /^\s*SecurityInfo\s*=\s*\{\s*$/.test(l))) return unrecognised('no SecurityInfo dictionary');
  const v = scalars(block);
  const out: ParsedMdmclientSecurityInfo = { ok: true };
  const put = (k: Exclude<keyof typeof out, 'ok'>, raw: string | undefined): void => {
    const b = flag(raw);
    if (b !== undefined) out[k] = b;
  };
  put('fdeEnabled', v.get('FDE_Enabled'));
  put('firewallEnabled', v.get('FirewallEnabled'));
  put('blockAllIncoming', v.get('BlockAllIncoming'));
  put('stealthMode', v.get('StealthMode'));
  put('enrolledViaDep', v.get('EnrolledViaDEP'));
  put('userApprovedEnrollment', v.get('UserApprovedEnrollment'));
  put('systemIntegrityProtection', v.get('SystemIntegrityProtectionEnabled'));
  put('remoteDesktopEnabled', v.get('RemoteDesktopEnabled'));
  return out;
}

export type ParsedMdmclientProfiles =
  | {
      ok: true;
      /** Profiles installed for the whole device (daemon) and for the user (agent). */
      systemProfiles: number;
      userProfiles: number;
      /** A device profile carries a `com.apple.mdm` payload: the Mac is MDM-enrolled. */
      mdmPayload: boolean;
      /** A user profile carries a `com.apple.mdm` payload (user enrollment). */
      userMdmPayload: boolean;
    }
  | Unrecognised;

/**
 * Parses `mdmclient QueryInstalledProfiles`:
 * ```
 * Daemon response: {
 *     ProfileList =     (
 *                 {
 *             PayloadContent =             (
 *                                 {
 *                     PayloadType = "com.apple.mdm";
 * ```
 * Profiles are counted as the dictionaries directly inside `ProfileList`. Needs a
 * `ProfileList` in the daemon's block. Never throws.
 */
export function parseMdmclientInstalledProfiles(text: string): ParsedMdmclientProfiles {
  const bad = unusableText(text);
  if (bad) return bad;
  const daemon = responseBlock(text, 'Daemon');
  if (!daemon) return unrecognised('no "Daemon response: {" block');
  const system = profileList(daemon);
  if (!system) return unrecognised('no ProfileList in the daemon response');
  const agent = responseBlock(text, 'Agent');
  const user = agent ? profileList(agent) : undefined;
  return {
    ok: true,
    systemProfiles: system.count,
    userProfiles: user?.count ?? 0,
    mdmPayload: system.mdm,
    userMdmPayload: user?.mdm ?? false,
  };
}

/** Counts the dictionaries directly inside `ProfileList = ( … )` and looks for the MDM payload. */
function profileList(block: readonly string[]): { count: number; mdm: boolean } | undefined {
  const start = block.findIndex((l) => /^\s*ProfileList\s*=\s*\(\s*$/.test(l));
  if (start < 0) return undefined;
  let depth = 0;
  let count = 0;
  let mdm = false;
  for (const raw of block.slice(start + 1)) {
    const line = raw.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    if (depth === 0 && /^\s*\);?\s*$/.test(line)) break;
    for (const ch of line) {
      if (ch === '{' || ch === '(') {
        if (depth === 0 && ch === '{') count++;
        depth++;
      } else if (ch === '}' || ch === ')') {
        depth = Math.max(0, depth - 1);
      }
    }
    if (/^\s*PayloadType\s*=\s*"?com\.apple\.mdm"?;\s*$/.test(raw)) mdm = true;
  }
  return { count, mdm };
}
