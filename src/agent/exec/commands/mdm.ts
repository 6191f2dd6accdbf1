/** Executables the `mdm` collectors may run (the `firewall` and `mfa` collectors share some). */
import type { CommandSpec } from './types.js';

export const mdmCommands = {
  /** macOS: `profiles status -type enrollment`. */
  profiles: { darwin: ['/usr/bin/profiles'] },
  /** macOS MDM client: `QueryInstalledProfiles`, `QuerySecurityInfo` (firewall fallback). */
  mdmclient: { darwin: ['/usr/libexec/mdmclient'] },
  /** Windows: `dsregcmd /status` (join state; the mfa check reads NgcSet from it). */
  dsregcmd: { win32: ['%SystemRoot%\\System32\\dsregcmd.exe'] },
} as const satisfies Record<string, CommandSpec>;
