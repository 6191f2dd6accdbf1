/** Every check the agent runs, in display order. */
import { diskEncryptionCheck } from './disk-encryption/index.js';
import { edrCheck } from './edr/index.js';
import { firewallCheck } from './firewall/index.js';
import { mdmCheck } from './mdm/index.js';
import { mfaCheck } from './mfa/index.js';
import { osPatchCheck } from './os-patch/index.js';
import { screenLockCheck } from './screen-lock/index.js';
import type { AnyCheckDefinition } from './types.js';

export const ALL_CHECKS: readonly AnyCheckDefinition[] = [
  osPatchCheck,
  diskEncryptionCheck,
  edrCheck,
  mfaCheck,
  firewallCheck,
  screenLockCheck,
  mdmCheck,
];
