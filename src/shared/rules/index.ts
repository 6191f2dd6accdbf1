/** Every check's rule, by check id: the agent's local verdict and the service's policy use the same ones. */
import type { CheckId } from '../check-ids.js';
import type { FactsByCheck } from '../facts/index.js';
import type { Requirements } from '../requirements.js';
import { evaluateDiskEncryption } from './disk-encryption.js';
import { evaluateEdr } from './edr.js';
import { evaluateFirewall } from './firewall.js';
import type { Rule } from './findings.js';
import { evaluateMdm } from './mdm.js';
import { evaluateMfa } from './mfa.js';
import { evaluateOsPatch } from './os-patch.js';
import { evaluateScreenLock } from './screen-lock.js';

export type RuleRegistry = { [K in CheckId]: Rule<FactsByCheck[K], NonNullable<Requirements[K]>> };

export const RULES: RuleRegistry = {
  os_patch: evaluateOsPatch,
  disk_encryption: evaluateDiskEncryption,
  edr: evaluateEdr,
  mfa: evaluateMfa,
  firewall: evaluateFirewall,
  screen_lock: evaluateScreenLock,
  mdm: evaluateMdm,
};
