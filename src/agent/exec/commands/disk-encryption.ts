/** Executables the `disk-encryption` collectors may run. */
import type { CommandSpec } from './types.js';

export const diskEncryptionCommands = {
  /** util-linux block-device tree: `lsblk -J -p -o NAME,TYPE,FSTYPE,MOUNTPOINTS,PKNAME`. */
  lsblk: { linux: ['/usr/bin/lsblk', '/bin/lsblk'] },
  /** `cryptsetup status <mapping>`: LUKS version of a dm-crypt mapping (root only). */
  cryptsetup: { linux: ['/usr/sbin/cryptsetup', '/sbin/cryptsetup', '/usr/bin/cryptsetup'] },
  /** macOS FileVault: `fdesetup status`. */
  fdesetup: { darwin: ['/usr/bin/fdesetup'] },
  /** macOS MDM client `QuerySecurityInfo` (FileVault fallback; the mdm check lists it too). */
  mdmclient: { darwin: ['/usr/libexec/mdmclient'] },
  /** Windows BitLocker: `manage-bde -status` (fallback to the CIM query through `powershell`). */
  'manage-bde': { win32: ['%SystemRoot%\\System32\\manage-bde.exe'] },
} as const satisfies Record<string, CommandSpec>;
