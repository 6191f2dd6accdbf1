/** Executables the `os-patch` collectors may run. `reg` and `powershell` come from `common.ts`. */
import type { CommandSpec } from './types.js';

export const osPatchCommands = {
  /** Debian family: `apt list --upgradable` (reads the local lists; never refreshes them). */
  apt: { linux: ['/usr/bin/apt'] },
  /** Fedora / RHEL 8+: `dnf -C -q check-update`, `dnf -C -q updateinfo list --security` (cache only). */
  dnf: { linux: ['/usr/bin/dnf', '/usr/bin/dnf5'] },
  /** RHEL/CentOS 7, Amazon Linux 2: the same with yum. */
  yum: { linux: ['/usr/bin/yum'] },
  /** SUSE: `zypper --non-interactive --no-refresh list-patches`. */
  zypper: { linux: ['/usr/bin/zypper'] },
  /** Arch: `pacman -Qu` (against the local sync databases). */
  pacman: { linux: ['/usr/bin/pacman'] },
  /** Alpine: `apk version -l <`. */
  apk: { linux: ['/sbin/apk', '/usr/bin/apk'] },
  /** macOS product version and build. */
  sw_vers: { darwin: ['/usr/bin/sw_vers'] },
  /** macOS: `softwareupdate --list --no-scan` (the last scan's result; no network). */
  softwareupdate: { darwin: ['/usr/sbin/softwareupdate'] },
  /** Windows fallbacks when PowerShell is blocked: `wmic qfe list full`, `systeminfo`. */
  wmic: { win32: ['%SystemRoot%\\System32\\wbem\\WMIC.exe'] },
  systeminfo: { win32: ['%SystemRoot%\\System32\\systeminfo.exe'] },
} as const satisfies Record<string, CommandSpec>;
