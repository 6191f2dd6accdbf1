/**
 * Executables the `edr` collectors may run: each EDR product's own status CLI, at the
 * path its installer puts it. They run only after the product was detected (process
 * running or install directory present). The process list itself (`ps`, `tasklist`)
 * and PowerShell live in `common.ts`.
 */
import type { CommandSpec } from './types.js';

export const edrCommands = {
  /** CrowdStrike Falcon (Linux): `falconctl -g --aid --rfm-state --version`; needs root. */
  falconctl: { linux: ['/opt/CrowdStrike/falconctl'] },
  /** SentinelOne: `version`, `control status`, `management status` (Linux); `status`, `version` (macOS). */
  sentinelctl: { linux: ['/opt/sentinelone/bin/sentinelctl'], darwin: ['/usr/local/bin/sentinelctl'] },
  /** Microsoft Defender for Endpoint (Linux/macOS): `mdatp health --output json`. */
  mdatp: { linux: ['/usr/bin/mdatp', '/opt/microsoft/mdatp/sbin/wdavdaemonclient'], darwin: ['/usr/local/bin/mdatp'] },
  /** VMware/Broadcom Carbon Black Cloud: `repcli status`. */
  repcli: {
    linux: ['/opt/carbonblack/psc/bin/repcli'],
    darwin: ['/Applications/VMware Carbon Black Cloud/repcli.bundle/Contents/MacOS/repcli'],
  },
  /** Palo Alto Cortex XDR: `cytool runtime query`. */
  cytool: { linux: ['/opt/traps/bin/cytool'], darwin: ['/Library/Application Support/PaloAltoNetworks/Traps/bin/cytool'] },
  /** Bitdefender Endpoint Security Tools (Linux): `bduitool get ps`. */
  bduitool: { linux: ['/opt/bitdefender-security-tools/bin/bduitool'] },
  /** Windows Security Center via WMIC, only when PowerShell's CIM query failed (WMIC is gone from newer Windows). */
  wmic: { win32: ['%SystemRoot%\\System32\\wbem\\WMIC.exe'] },
} as const satisfies Record<string, CommandSpec>;
