/**
 * `edr` on Windows: `tasklist`, `Program Files` listings and Windows Security Center
 * (every registered antivirus with its on/off and signature state) find the products;
 * `Get-MpComputerStatus` details Microsoft Defender (and, only when it gives nothing, the
 * registry can still say Defender's real-time protection is off); Wazuh's state file details
 * Wazuh. Third-party products have no fixed-path CLI on Windows, so their health comes from
 * Security Center and their processes only.
 */
import type { Gap } from '../../../shared/check-ids.js';
import { EDR_PRODUCT_IDS, type EdrFacts, type EdrProductId } from '../../../shared/facts/edr.js';
import { probeGap, stdoutText } from '../../probes/text.js';
import type { ProbeRunner } from '../../probes/types.js';
import type { Collector, ProbeDoc } from '../types.js';
import { readRegQuery } from '../windows-registry.js';
import { ProductSet } from './assemble.js';
import { findInstalled } from './install-paths.js';
import { DEFENDER_RTP_KEY, DEFENDER_RTP_POLICY_KEY, defenderRtpFromRegistry, disableRealtimeMonitoringOf, type RtpKeyReading } from './parse-defender-registry.js';
import { parseAntivirusProductList, parseWmicAntivirusDisplayNames, type AntivirusProductEntry } from './parse-antivirus-product.js';
import { mpComputerStatusReading, parseMpComputerStatus } from './parse-mp-computer-status.js';
import { parseWazuhState, wazuhStateReading } from './parse-wazuh-state.js';
import { readProbe, WAZUH_STATE_FILES } from './product-clis.js';
import { readProcessList } from './processes.js';
import { productIdForDisplayName, productsRunning } from './products.js';

// Fixed scripts, no interpolation. UTF-8 output so display names survive any code page.
const UTF8 = '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8; ';
const SECURITY_CENTER_SCRIPT = `${UTF8}Get-CimInstance -Namespace root/SecurityCenter2 -ClassName AntiVirusProduct | Format-List displayName,instanceGuid,pathToSignedReportingExe,productState,timestamp`;
const MP_STATUS_SCRIPT = `${UTF8}Get-MpComputerStatus | Format-List`;
const PS_ARGS = ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command'] as const;

/** ProbeDocs of the Windows probes (besides the process list). */
export const WIN32_PROBE_DOCS: readonly ProbeDoc[] = [
  { id: 'win32.securitycenter2-antivirusproduct', platform: 'win32', runs: '`Get-CimInstance -Namespace root/SecurityCenter2 -ClassName AntiVirusProduct | Format-List …`', gives: 'registered antivirus products, on/off and signature state (productState)' },
  { id: 'win32.wmic-antivirusproduct', platform: 'win32', runs: '`wmic /namespace:\\\\root\\SecurityCenter2 path AntiVirusProduct get displayName /format:list` (only if the CIM query failed)', gives: 'registered antivirus product names' },
  { id: 'win32.get-mpcomputerstatus', platform: 'win32', runs: '`Get-MpComputerStatus | Format-List`', gives: 'Defender service, antivirus, real-time protection, running mode, tamper protection, signatures, version' },
  { id: 'win32.reg-defender-rtp', platform: 'win32', runs: '`reg query "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Real-Time Protection"` (only when Get-MpComputerStatus gives nothing)', gives: 'DisableRealtimeMonitoring: real-time protection switched off (never proves it on)' },
  { id: 'win32.reg-defender-rtp-policy', platform: 'win32', runs: '`reg query "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Defender\\Real-Time Protection"` (with `win32.reg-defender-rtp`)', gives: 'DisableRealtimeMonitoring set by Group Policy, which wins over the local value' },
  { id: 'win32.wazuh-agent-state', platform: 'win32', runs: `read \`${WAZUH_STATE_FILES.win32}\``, gives: 'Wazuh manager connection state and last contact' },
];

/**
 * Defender's own status from `Get-MpComputerStatus`; only when that gave nothing, its
 * real-time protection switch from the registry (see parse-defender-registry.ts): a
 * reading that can report RTP off, never on. A full attestation where PowerShell works
 * never reads the registry.
 */
async function readDefender(probes: ProbeRunner, set: ProductSet): Promise<void> {
  const mp = await probes.exec('win32.get-mpcomputerstatus', 'powershell', [...PS_ARGS, MP_STATUS_SCRIPT], { encoding: 'utf-8', timeoutMs: 15_000 });
  const mpGap = readProbe(set, 'microsoft_defender', mp, parseMpComputerStatus, mpComputerStatusReading);
  if (!mpGap) return;
  const [local, policy] = await Promise.all([
    probes.exec('win32.reg-defender-rtp', 'reg', ['query', DEFENDER_RTP_KEY]),
    probes.exec('win32.reg-defender-rtp-policy', 'reg', ['query', DEFENDER_RTP_POLICY_KEY]),
  ]);
  const fact = 'microsoft_defender.realTimeProtection';
  const outs = { local, policy };
  const gaps: Partial<Record<'local' | 'policy', Gap>> = {};
  const read = (which: 'local' | 'policy'): RtpKeyReading => {
    const out = outs[which];
    const r = readRegQuery(out, fact, { absentOk: true });
    const parsed = r.keys ? disableRealtimeMonitoringOf(r.keys) : undefined;
    if (parsed?.ok) return parsed;
    gaps[which] = r.gap ?? { fact, reason: 'parse-error', probe: out.key, detail: parsed?.error ?? 'unrecognised' };
    return { unreadable: true };
  };
  const rtp = defenderRtpFromRegistry(read('local'), read('policy'));
  const gap = gaps[rtp.from];
  if (rtp.verdict === 'off') {
    set.add('microsoft_defender', { realTimeProtection: false, issues: ['real-time protection is off'] }, outs[rtp.from].key);
  } else if (rtp.verdict === 'unreadable' && gap) {
    set.addGap(gap);
  } else {
    const said =
      rtp.from === 'policy'
        ? 'Group Policy sets DisableRealtimeMonitoring 0, which asks for it on but does not prove it'
        : 'DisableRealtimeMonitoring is 0 or absent: the default, and also what a tamper-protected PC shows';
    set.addGap({
      fact,
      reason: mpGap.reason,
      probe: outs[rtp.from].key,
      detail: `registry does not confirm real-time protection on (${said}); Get-MpComputerStatus: ${mpGap.detail ?? mpGap.reason}`.slice(0, 500),
    });
  }
}

interface SecurityCenter {
  products?: AntivirusProductEntry[];
  key: string;
  gap?: Gap;
}

async function readSecurityCenter(probes: ProbeRunner): Promise<SecurityCenter> {
  const cim = await probes.exec('win32.securitycenter2-antivirusproduct', 'powershell', [...PS_ARGS, SECURITY_CENTER_SCRIPT], { encoding: 'utf-8', timeoutMs: 15_000 });
  // No output at all means no antivirus is registered.
  const cimGap = probeGap(cim, 'security-center', { allowEmpty: true });
  if (!cimGap) {
    const parsed = parseAntivirusProductList(stdoutText(cim));
    if (parsed.ok) return { products: parsed.products, key: cim.key };
    return { key: cim.key, gap: { fact: 'security-center', reason: 'parse-error', probe: cim.key, detail: parsed.error } };
  }
  const wmic = await probes.exec('win32.wmic-antivirusproduct', 'wmic', ['/namespace:\\\\root\\SecurityCenter2', 'path', 'AntiVirusProduct', 'get', 'displayName', '/format:list']);
  if (probeGap(wmic, 'security-center', { allowEmpty: true })) return { key: cim.key, gap: cimGap };
  const parsed = parseWmicAntivirusDisplayNames(stdoutText(wmic));
  return parsed.ok ? { products: parsed.products, key: wmic.key } : { key: cim.key, gap: cimGap };
}

function securityCenterIssues(e: AntivirusProductEntry): string[] {
  const issues: string[] = [];
  if (e.enabled === false) issues.push('Windows Security Center reports its protection switched off');
  if (e.definitionsUpToDate === false) issues.push('Windows Security Center reports its signatures out of date');
  return issues;
}

/** Collects `edr` facts on Windows. */
export const collectEdrWin32: Collector<EdrFacts> = async (ctx) => {
  const [procs, scan, sc] = await Promise.all([readProcessList(ctx.probes, 'win32'), findInstalled(ctx.probes, 'win32'), readSecurityCenter(ctx.probes)]);
  const set = new ProductSet();
  const running = procs.names ? productsRunning('win32', procs.names, new Set(scan.installed.keys())) : new Set<EdrProductId>();
  const registered = new Map<EdrProductId, AntivirusProductEntry>();
  for (const e of sc.products ?? []) {
    const id = productIdForDisplayName(e.displayName);
    if (id && !registered.has(id)) registered.set(id, e);
    else if (!id) set.addOther(e.displayName);
  }
  for (const id of EDR_PRODUCT_IDS) {
    if (running.has(id)) set.add(id, { running: true }, procs.key);
    const key = scan.installed.get(id);
    if (key) set.add(id, {}, key);
  }
  if (procs.gap) set.addGap(procs.gap);
  for (const gap of scan.gaps) set.addGap(gap);
  if (sc.gap) set.addGap(sc.gap);

  const pending: Promise<void>[] = [];
  if (running.has('microsoft_defender') || registered.has('microsoft_defender')) {
    pending.push(readDefender(ctx.probes, set));
  }
  if (set.has('wazuh')) {
    pending.push(
      ctx.probes.readFile('win32.wazuh-agent-state', WAZUH_STATE_FILES.win32).then((out) => {
        readProbe(set, 'wazuh', out, parseWazuhState, wazuhStateReading);
      }),
    );
  }
  await Promise.all(pending);
  // Security Center after Defender's own status: the product's detail wins over the summary.
  for (const [id, e] of registered) {
    const reading = { name: e.displayName, issues: securityCenterIssues(e), ...(e.enabled !== undefined ? { realTimeProtection: e.enabled } : {}), ...(e.definitionsUpToDate !== undefined ? { definitionsUpToDate: e.definitionsUpToDate } : {}) };
    set.add(id, reading, sc.key);
  }
  if (!procs.gap) set.markOthersNotRunning();
  return { facts: set.facts(), gaps: set.gaps() };
};
