/** How checks are named in sentences the policy engine writes for people. */
import type { CheckId } from '../../shared/check-ids.js';

/** Short, lowercase: for lists ("fix: disk encryption, EDR"). */
export const CHECK_NAMES: Readonly<Record<CheckId, string>> = {
  os_patch: 'OS updates',
  disk_encryption: 'disk encryption',
  edr: 'EDR',
  mfa: 'MFA',
  firewall: 'the firewall',
  screen_lock: 'screen lock',
  mdm: 'MDM enrolment',
};

/** Sentence subjects: "<subject> will be required for training from 1 Dec 2026". */
export const CHECK_SUBJECTS: Readonly<Record<CheckId, string>> = {
  os_patch: 'An up-to-date OS',
  disk_encryption: 'Disk encryption',
  edr: 'A running, healthy EDR agent',
  mfa: 'MFA',
  firewall: 'A firewall',
  screen_lock: 'Screen lock',
  mdm: 'MDM enrolment',
};

/** `a`, `a and b`, `a, b and c`. */
export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
