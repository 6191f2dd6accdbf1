/**
 * The `disk_encryption` check: is the volume holding the OS and the user's data encrypted,
 * fully, with its protection on? One collector per OS; the rule lives in `src/shared/rules`.
 */
import { evaluateDiskEncryption } from '../../../shared/rules/disk-encryption.js';
import type { CheckDefinition, ProbeDoc } from '../types.js';
import { collectDarwin } from './darwin.js';
import { collectLinux } from './linux.js';
import { collectWin32 } from './win32.js';

const PROBES: readonly ProbeDoc[] = [
  { id: 'linux.lsblk', platform: 'linux', runs: '`lsblk -J -p -o NAME,TYPE,FSTYPE,MOUNTPOINTS,PKNAME`', gives: 'mounted filesystems and whether dm-crypt (LUKS/plain) sits under each, through LVM and RAID' },
  { id: 'linux.lsblk-mountpoint', platform: 'linux', runs: '`lsblk -J -p -o NAME,TYPE,FSTYPE,MOUNTPOINT,PKNAME` (only when util-linux < 2.37 refuses MOUNTPOINTS)', gives: 'the same, on older util-linux' },
  { id: 'linux.lsblk-pairs', platform: 'linux', runs: '`lsblk -P -p -o NAME,TYPE,FSTYPE,MOUNTPOINT,PKNAME` (only when util-linux < 2.27 has no JSON)', gives: 'the same, on very old util-linux' },
  { id: 'linux.proc-mounts', platform: 'linux', runs: 'reads `/proc/mounts`', gives: 'what `/` is when lsblk cannot see it (container overlay, ZFS, network root)' },
  { id: 'linux.cryptsetup-status', platform: 'linux', runs: '`cryptsetup status <mapping>` per dm-crypt mapping under `/` or `/home` (needs root)', gives: 'the method: LUKS1, LUKS2 or PLAIN' },
  { id: 'darwin.fdesetup-status', platform: 'darwin', runs: '`fdesetup status`', gives: 'FileVault on/off, encryption or decryption in progress with percentage, institutional (master keychain) recovery key' },
  { id: 'darwin.mdmclient-security-info', platform: 'darwin', runs: '`/usr/libexec/mdmclient QuerySecurityInfo` (only when fdesetup gives no reading)', gives: 'FDE_Enabled and recovery-key kinds' },
  { id: 'win32.bitlocker-cim', platform: 'win32', runs: 'PowerShell: `Get-CimInstance -Namespace root/cimv2/Security/MicrosoftVolumeEncryption -ClassName Win32_EncryptableVolume` plus its GetConversionStatus/GetLockStatus/GetKeyProtectors methods, as JSON (needs administrator)', gives: 'per volume: type, conversion state, percentage, method, protection, lock, key protector kinds; locale-independent numbers' },
  { id: 'win32.manage-bde-status', platform: 'win32', runs: '`manage-bde -status` (only when the CIM query fails or is refused)', gives: 'the same per volume, from English or German text' },
];

export const diskEncryptionCheck: CheckDefinition<'disk_encryption'> = {
  id: 'disk_encryption',
  title: 'Disk encryption',
  probes: PROBES,
  collectors: { linux: collectLinux, darwin: collectDarwin, win32: collectWin32 },
  rule: evaluateDiskEncryption,
};
