/**
 * What each EDR product looks like on each OS: its process names and where it installs.
 * Names are the vendors' daemon/service executables as their documentation and admin
 * guides name them; no process-list capture in test/fixtures proves them, which is why
 * install directories are a second, independent way to detect a product. A product is
 * "detected" when one of its processes runs or one of its install locations exists, and
 * only then is its (slower, often root-only) status CLI run.
 */
import { EDR_PRODUCT_IDS, type EdrProductId } from '../../../shared/facts/edr.js';
import type { Platform } from '../../../shared/check-ids.js';

export interface ProductSignature {
  /** Executable names (basename; Windows names case-insensitive, with `.exe`). */
  processes: Partial<Record<Platform, readonly string[]>>;
  /**
   * Process names so generic (`pmd`) that they count only when an install location of
   * the product also exists.
   */
  genericProcesses?: Partial<Record<Platform, readonly string[]>>;
  /** macOS: a full-path fragment its processes run from. */
  darwinPathFragment?: string;
  /** Install locations, as absolute paths whose parent directories the collector lists. */
  installPaths: Partial<Record<Platform, readonly string[]>>;
}

export const PRODUCT_SIGNATURES: Readonly<Record<EdrProductId, ProductSignature>> = {
  crowdstrike_falcon: {
    processes: {
      linux: ['falcon-sensor', 'falcon-sensor-bpf', 'falcond'],
      darwin: ['com.crowdstrike.falcon.Agent', 'falcond'],
      win32: ['CSFalconService.exe', 'CSFalconContainer.exe'],
    },
    installPaths: { linux: ['/opt/CrowdStrike'], darwin: ['/Applications/Falcon.app'], win32: ['C:\\Program Files\\CrowdStrike'] },
  },
  sentinelone: {
    processes: {
      linux: ['s1-agent', 's1-orchestrator', 's1-network', 's1-scanner', 's1-firewall', 'sentinelone-agent'],
      darwin: ['sentineld', 'sentineld_helper', 'sentineld_guard'],
      win32: ['SentinelAgent.exe', 'SentinelServiceHost.exe'],
    },
    installPaths: {
      linux: ['/opt/sentinelone'],
      darwin: ['/Applications/SentinelOne', '/Library/Sentinel'],
      win32: ['C:\\Program Files\\SentinelOne'],
    },
  },
  microsoft_defender: {
    processes: {
      linux: ['wdavdaemon'],
      darwin: ['wdavdaemon', 'wdavdaemon_enterprise', 'com.microsoft.wdav.epsext'],
      win32: ['MsMpEng.exe', 'MsSense.exe'],
    },
    // Every Windows has a `Windows Defender` folder, so on Windows only a running
    // MsMpEng/MsSense or Security Center's listing counts.
    installPaths: {
      linux: ['/opt/microsoft/mdatp'],
      darwin: ['/Applications/Microsoft Defender.app', '/Applications/Microsoft Defender ATP.app'],
    },
  },
  elastic_endpoint: {
    // elastic-agent alone is a log shipper; only the endpoint process protects.
    processes: { linux: ['elastic-endpoint'], darwin: ['elastic-endpoint', 'co.elastic.systemextension'], win32: ['elastic-endpoint.exe'] },
    installPaths: { linux: ['/opt/Elastic/Endpoint'], darwin: ['/Library/Elastic/Endpoint'], win32: ['C:\\Program Files\\Elastic\\Endpoint'] },
  },
  carbon_black: {
    processes: {
      linux: ['cbagentd', 'cbdaemon'],
      darwin: ['com.vmware.carbonblack.cloud.se-agent.extension', 'CbOsxSensorService', 'repmgr'],
      win32: ['RepMgr.exe', 'cb.exe'],
    },
    installPaths: {
      linux: ['/opt/carbonblack'],
      darwin: ['/Applications/VMware Carbon Black Cloud', '/Applications/Carbon Black Cloud'],
      // Carbon Black Cloud still installs under its original vendor's name on Windows.
      win32: ['C:\\Program Files\\Confer'],
    },
  },
  cortex_xdr: {
    processes: { linux: ['dypdng', 'trapsd'], darwin: ['cortex xdr'], win32: ['cyserver.exe', 'CyveraService.exe', 'tlaworker.exe'] },
    genericProcesses: { linux: ['pmd', 'authorized', 'clad', 'spmd', 'pyxd', 'lted'], darwin: ['pmd', 'authorized'] },
    darwinPathFragment: '/PaloAltoNetworks/Traps/',
    installPaths: { linux: ['/opt/traps'], darwin: ['/Applications/Cortex XDR.app'], win32: ['C:\\Program Files\\Palo Alto Networks\\Traps'] },
  },
  bitdefender: {
    processes: { linux: ['bdsecd', 'epagng'], darwin: ['BDLDaemon', 'EndpointSecurityforMac'], win32: ['EPSecurityService.exe', 'EPProtectedService.exe'] },
    installPaths: {
      linux: ['/opt/bitdefender-security-tools'],
      darwin: ['/Applications/Endpoint Security for Mac.app'],
      win32: ['C:\\Program Files\\Bitdefender\\Endpoint Security'],
    },
  },
  sophos: {
    processes: {
      linux: ['sophos_threat_detector', 'sophos_watchdog', 'sophos_managementagent', 'mcsrouter'],
      darwin: ['SophosServiceManager', 'SophosScanD', 'SophosMcsAgentD'],
      win32: ['SophosHealth.exe', 'SEDService.exe', 'McsAgent.exe', 'SophosFileScanner.exe'],
    },
    installPaths: { linux: ['/opt/sophos-spl'], darwin: ['/Applications/Sophos', '/Library/Sophos Anti-Virus'], win32: ['C:\\Program Files\\Sophos'] },
  },
  wazuh: {
    processes: { linux: ['wazuh-agentd', 'ossec-agentd'], darwin: ['wazuh-agentd'], win32: ['wazuh-agent.exe', 'ossec-agent.exe'] },
    installPaths: { linux: ['/var/ossec'], darwin: ['/Library/Ossec'], win32: ['C:\\Program Files (x86)\\ossec-agent'] },
  },
};

/** Linux `comm` is the first 15 bytes of the executable name. */
const LINUX_COMM_MAX = 15;

function basename(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

function matchesName(platform: Platform, seen: string, wanted: string): boolean {
  if (platform === 'linux') return seen === wanted.slice(0, LINUX_COMM_MAX);
  if (platform === 'win32') return seen.toLowerCase() === wanted.toLowerCase();
  return basename(seen) === wanted;
}

/**
 * Products whose processes appear in `names` (a process list's command names). Generic
 * names count only for products in `installed`.
 */
export function productsRunning(platform: Platform, names: readonly string[], installed: ReadonlySet<EdrProductId>): Set<EdrProductId> {
  const found = new Set<EdrProductId>();
  for (const id of EDR_PRODUCT_IDS) {
    const sig = PRODUCT_SIGNATURES[id];
    const specific = sig.processes[platform] ?? [];
    const generic = installed.has(id) ? (sig.genericProcesses?.[platform] ?? []) : [];
    const hit = names.some(
      (n) =>
        specific.some((w) => matchesName(platform, n, w)) ||
        generic.some((w) => matchesName(platform, n, w)) ||
        (platform === 'darwin' && sig.darwinPathFragment !== undefined && n.includes(sig.darwinPathFragment)),
    );
    if (hit) found.add(id);
  }
  return found;
}

/** A Windows Security Center display name → product id (undefined when not one of ours). */
export function productIdForDisplayName(name: string): EdrProductId | undefined {
  // Bitdefender before Defender: "Bitdefender" contains "defender".
  if (/bitdefender/i.test(name)) return 'bitdefender';
  if (/\b(windows|microsoft) defender\b/i.test(name)) return 'microsoft_defender';
  if (/crowdstrike|\bfalcon\b/i.test(name)) return 'crowdstrike_falcon';
  if (/sentinel ?one|sentinel agent/i.test(name)) return 'sentinelone';
  if (/\belastic\b/i.test(name)) return 'elastic_endpoint';
  if (/carbon ?black|\bcb ?defense\b/i.test(name)) return 'carbon_black';
  if (/cortex xdr|\btraps\b/i.test(name)) return 'cortex_xdr';
  if (/sophos/i.test(name)) return 'sophos';
  if (/wazuh/i.test(name)) return 'wazuh';
  return undefined;
}
