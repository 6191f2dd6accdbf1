/**
 * The BitLocker vocabulary every Windows source maps onto: WMI/CIM numbers
 * (`Win32_EncryptableVolume`), `Get-BitLockerVolume` enum names and `manage-bde` text.
 * Pure tables; the parsers use them so that one volume reads the same from any source.
 */
import type { EncryptionState } from '../../../shared/facts/disk-encryption.js';

/** One BitLocker volume as any Windows source reports it. Absent fields were not reported. */
export interface BitLockerVolumeReading {
  /** Drive letter with colon: `C:`. */
  mount?: string;
  /** Volume path when there is no drive letter: `\\?\Volume{…}\`. */
  device?: string;
  /** `os` holds Windows; `data` a fixed data drive; `removable` a USB drive. */
  volumeType?: 'os' | 'data' | 'removable';
  state?: EncryptionState;
  percentEncrypted?: number;
  /** manage-bde's wording: `XTS-AES 128`, `AES 256`. Absent when none. */
  method?: string;
  protectionOn?: boolean;
  /** Key protector kinds, as `Get-BitLockerVolume` names them: `Tpm`, `RecoveryPassword`. */
  protectors?: string[];
  /** The source cut the protector list short (`{RecoveryPassword, Pas...`). */
  protectorsTruncated?: boolean;
}

/** `Win32_EncryptableVolume.ConversionStatus` (and `GetConversionStatus`). */
export const CONVERSION_STATUS: Readonly<Record<number, EncryptionState>> = {
  0: 'off', // FULLY DECRYPTED
  1: 'on', // FULLY ENCRYPTED (also "Used Space Only Encrypted")
  2: 'encrypting', // ENCRYPTION IN PROGRESS
  3: 'decrypting', // DECRYPTION IN PROGRESS
  4: 'paused', // ENCRYPTION PAUSED
  5: 'paused', // DECRYPTION PAUSED
};

/** `Win32_EncryptableVolume.ProtectionStatus`: 2 (unknown, e.g. locked) maps to undefined. */
export const PROTECTION_STATUS: Readonly<Record<number, boolean>> = { 0: false, 1: true };

/** `Win32_EncryptableVolume.VolumeType`. */
export const VOLUME_TYPE: Readonly<Record<number, 'os' | 'data' | 'removable'>> = { 0: 'os', 1: 'data', 2: 'removable' };

/** `Win32_EncryptableVolume.EncryptionMethod`; 0 (none) has no name on purpose. */
export const ENCRYPTION_METHOD: Readonly<Record<number, string>> = {
  1: 'AES 128 with Diffuser',
  2: 'AES 256 with Diffuser',
  3: 'AES 128',
  4: 'AES 256',
  5: 'Hardware Encryption',
  6: 'XTS-AES 128',
  7: 'XTS-AES 256',
};

/** `GetKeyProtectorType` numbers, named as the BitLocker PowerShell module names them. */
export const KEY_PROTECTOR_TYPE: Readonly<Record<number, string>> = {
  1: 'Tpm',
  2: 'ExternalKey',
  3: 'RecoveryPassword',
  4: 'TpmPin',
  5: 'TpmStartupKey',
  6: 'TpmPinStartupKey',
  7: 'PublicKey',
  8: 'Password',
  9: 'TpmNetworkKey',
  10: 'AdAccountOrGroup',
};

/** `Get-BitLockerVolume` `VolumeStatus` enum names. Wipe states are fully encrypted volumes. */
export const VOLUME_STATUS_NAME: Readonly<Record<string, EncryptionState>> = {
  fullydecrypted: 'off',
  fullyencrypted: 'on',
  encryptioninprogress: 'encrypting',
  decryptioninprogress: 'decrypting',
  encryptionsuspended: 'paused',
  decryptionsuspended: 'paused',
  fullyencryptedwipeinprogress: 'on',
  fullyencryptedwipesuspended: 'on',
};

/** `Get-BitLockerVolume` `EncryptionMethod` enum names (lower-cased). `None` has no name. */
export const ENCRYPTION_METHOD_NAME: Readonly<Record<string, string>> = {
  aes128diffuser: 'AES 128 with Diffuser',
  aes256diffuser: 'AES 256 with Diffuser',
  aes128: 'AES 128',
  aes256: 'AES 256',
  hardware: 'Hardware Encryption',
  xtsaes128: 'XTS-AES 128',
  xtsaes256: 'XTS-AES 256',
};

/** A small non-negative integer field (`1`, `"1"`); undefined for anything else. */
export function codeNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1000) return v;
  if (typeof v === 'string' && /^\d{1,3}$/.test(v.trim())) return Number(v.trim());
  return undefined;
}
