/**
 * The `mfa` check (local part): which authenticators this device has, and whether an
 * identity provider is configured to prove MFA. The OIDC sign-in that fills the token
 * facts (`amr`, `acr`, `authTime`) comes later; the rule already judges them.
 */
import { evaluateMfa } from '../../../shared/rules/mfa.js';
import type { CheckDefinition } from '../types.js';
import { collectDarwinMfa } from './darwin.js';
import { collectLinuxMfa } from './linux.js';
import { collectWin32Mfa } from './win32.js';

export const mfaCheck: CheckDefinition<'mfa'> = {
  id: 'mfa',
  title: 'MFA',
  probes: [
    { id: 'linux.hidraw', platform: 'linux', runs: 'list `/sys/class/hidraw`', gives: 'HID devices that may be security keys' },
    { id: 'linux.hidraw-report-descriptor', platform: 'linux', runs: 'read `/sys/class/hidraw/<n>/device/report_descriptor` (one per device)', gives: 'FIDO usage page 0xF1D0 = a FIDO security key' },
    { id: 'linux.hidraw-uevent', platform: 'linux', runs: 'read `/sys/class/hidraw/<n>/device/uevent` (FIDO devices only)', gives: 'the security key name (HID_NAME)' },
    { id: 'linux.tpm-version', platform: 'linux', runs: 'read `/sys/class/tpm/tpm0/tpm_version_major`', gives: 'a TPM 2.0 chip' },
    { id: 'darwin.bioutil-config', platform: 'darwin', runs: '`bioutil -r`', gives: 'Touch ID present and allowed for unlock' },
    { id: 'darwin.bioutil-count', platform: 'darwin', runs: '`bioutil -c`', gives: 'fingerprints enrolled for the user' },
    { id: 'win32.dsregcmd-status', platform: 'win32', runs: '`dsregcmd /status`', gives: 'Windows Hello for Business key set up (NgcSet)' },
  ],
  collectors: { linux: collectLinuxMfa, darwin: collectDarwinMfa, win32: collectWin32Mfa },
  rule: evaluateMfa,
};
