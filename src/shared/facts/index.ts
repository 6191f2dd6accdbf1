/** Facts per check: the schema and type each check's `facts` object must match. */
import type { TSchema } from '@sinclair/typebox';
import type { CheckId } from '../check-ids.js';
import { DiskEncryptionFactsSchema, type DiskEncryptionFacts } from './disk-encryption.js';
import { EdrFactsSchema, type EdrFacts } from './edr.js';
import { FirewallFactsSchema, type FirewallFacts } from './firewall.js';
import { MdmFactsSchema, type MdmFacts } from './mdm.js';
import { MfaFactsSchema, type MfaFacts } from './mfa.js';
import { OsPatchFactsSchema, type OsPatchFacts } from './os-patch.js';
import { ScreenLockFactsSchema, type ScreenLockFacts } from './screen-lock.js';

export interface FactsByCheck {
  os_patch: OsPatchFacts;
  disk_encryption: DiskEncryptionFacts;
  edr: EdrFacts;
  mfa: MfaFacts;
  firewall: FirewallFacts;
  screen_lock: ScreenLockFacts;
  mdm: MdmFacts;
}

export const FACTS_SCHEMAS: { readonly [K in CheckId]: TSchema } = {
  os_patch: OsPatchFactsSchema,
  disk_encryption: DiskEncryptionFactsSchema,
  edr: EdrFactsSchema,
  mfa: MfaFactsSchema,
  firewall: FirewallFactsSchema,
  screen_lock: ScreenLockFactsSchema,
  mdm: MdmFactsSchema,
};

export * from './disk-encryption.js';
export * from './edr.js';
export * from './firewall.js';
export * from './mdm.js';
export * from './mfa.js';
export * from './os-patch.js';
export * from './screen-lock.js';
