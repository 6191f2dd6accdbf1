/** Windows `Get-MpComputerStatus` (Microsoft Defender Antivirus) and what it says. */
import type { ProductReading } from './assemble.js';
import { parseFormatList, psBool } from './parse-format-list.js';

export type ParsedMpComputerStatus =
  | {
      ok: true;
      amServiceEnabled?: boolean;
      antivirusEnabled?: boolean;
      realTimeProtectionEnabled?: boolean;
      /** `Normal`, `Passive Mode`, `SxS Passive Mode`, `EDR Block Mode`, … (absent before ~2020). */
      amRunningMode?: string;
      /** Absent in older Defender versions. */
      isTamperProtected?: boolean;
      /** Absent in older Defender versions. */
      defenderSignaturesOutOfDate?: boolean;
      antivirusSignatureAge?: number;
      amProductVersion?: string;
      /** Bit flags: 1 full scan, 2 reboot, 4 manual steps, 8 offline scan, 16 critical failure pending. */
      computerState?: number;
    }
  | { ok: false; error: string };

type Ok = Extract<ParsedMpComputerStatus, { ok: true }>;

function uint(v: string | undefined): number | undefined {
  return v !== undefined && /^\d{1,10}$/.test(v) ? Number(v) : undefined;
}

/**
 * Parses the default (list) display of `Get-MpComputerStatus`. Property names and
 * `True`/`False` are not localised; fields missing from older schemas stay absent.
 *
 * ```
 * AMRunningMode                    : Normal
 * AMServiceEnabled                 : True
 * AntivirusEnabled                 : True
 * IsTamperProtected                : False
 * RealTimeProtectionEnabled        : True
 * ```
 */
export function parseMpComputerStatus(text: string): ParsedMpComputerStatus {
  const rec = parseFormatList(text).find((r) => r.has('AMServiceEnabled') || r.has('RealTimeProtectionEnabled'));
  if (!rec) return { ok: false, error: 'unrecognised output (no AMServiceEnabled or RealTimeProtectionEnabled)' };
  const r: Ok = { ok: true };
  const put = <K extends keyof Ok>(k: K, v: Ok[K] | undefined): void => {
    if (v !== undefined) r[k] = v;
  };
  put('amServiceEnabled', psBool(rec.get('AMServiceEnabled')));
  put('antivirusEnabled', psBool(rec.get('AntivirusEnabled')));
  put('realTimeProtectionEnabled', psBool(rec.get('RealTimeProtectionEnabled')));
  const mode = rec.get('AMRunningMode');
  put('amRunningMode', mode && mode.length <= 64 ? mode : undefined);
  put('isTamperProtected', psBool(rec.get('IsTamperProtected')));
  put('defenderSignaturesOutOfDate', psBool(rec.get('DefenderSignaturesOutOfDate')));
  put('antivirusSignatureAge', uint(rec.get('AntivirusSignatureAge')));
  const version = rec.get('AMProductVersion');
  put('amProductVersion', version && /^\d+(\.\d+)+$/.test(version) ? version : undefined);
  put('computerState', uint(rec.get('ComputerState')));
  return r;
}

/** ComputerState bits that mean Defender needs someone to act (pending scans and reboots do not). */
const COMPUTER_STATE_ISSUES: readonly [number, string][] = [
  [4, 'manual steps are pending'],
  [8, 'an offline scan is pending'],
  [16, 'a critical failure is pending'],
];

/**
 * Defender is healthy when its service and antivirus are enabled and no manual step,
 * offline scan or critical failure is pending. Passive or EDR-block mode means another
 * antivirus is primary, so Defender's real-time protection is not protecting.
 */
export function mpComputerStatusReading(p: Ok): ProductReading {
  const r: ProductReading = { issues: [], missing: [] };
  if (p.amProductVersion) r.version = p.amProductVersion;
  if (p.amServiceEnabled === true) r.running = true;
  const problems: string[] = [];
  if (p.amServiceEnabled === false) problems.push('the antimalware service is disabled');
  if (p.antivirusEnabled === false) problems.push('antivirus is disabled');
  for (const [bit, issue] of COMPUTER_STATE_ISSUES) {
    if (p.computerState !== undefined && (p.computerState & bit) !== 0) problems.push(issue);
  }
  r.issues?.push(...problems);
  if (problems.length > 0) r.healthy = false;
  else if (p.amServiceEnabled === true && p.antivirusEnabled === true) r.healthy = true;
  else r.missing?.push({ fact: 'healthy', reason: 'parse-error', detail: 'Get-MpComputerStatus gave no AMServiceEnabled/AntivirusEnabled' });
  const passive = p.amRunningMode !== undefined && /passive|edr block/i.test(p.amRunningMode);
  if (passive) {
    r.realTimeProtection = false;
    r.issues?.push(`running in ${p.amRunningMode}: another antivirus is expected to protect this PC`);
  } else if (p.realTimeProtectionEnabled !== undefined) {
    r.realTimeProtection = p.realTimeProtectionEnabled && p.antivirusEnabled !== false;
    if (!r.realTimeProtection) r.issues?.push('real-time protection is off');
  }
  if (p.isTamperProtected !== undefined) r.tamperProtection = p.isTamperProtected;
  if (p.defenderSignaturesOutOfDate !== undefined) r.definitionsUpToDate = !p.defenderSignaturesOutOfDate;
  return r;
}
