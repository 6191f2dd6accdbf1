/**
 * What a resource segment requires of a device, per check. The same shape is used
 * by the policy file (`segments.<name>.requirements`) and by the agent's local verdict.
 * Names are snake_case because people write them in YAML.
 */
import { Type, type Static } from '@sinclair/typebox';
import { EdrProductIdSchema } from './facts/edr.js';

export const OsPatchRequirementSchema = Type.Object(
  {
    /** Most days since updates were last installed. */
    max_patch_age_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
    /** Most pending security updates allowed (0 = none). */
    max_pending_security_updates: Type.Optional(Type.Integer({ minimum: 0 })),
    /** The OS version must still receive vendor security fixes. */
    require_vendor_supported: Type.Optional(Type.Boolean()),
    /** A pending reboot (updates installed but not active) fails the check. */
    fail_on_reboot_required: Type.Optional(Type.Boolean()),
    /** A pending OS update (macOS/Windows feature or security release) fails the check. */
    fail_on_os_update_pending: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const DiskEncryptionRequirementSchema = Type.Object(
  { required: Type.Boolean() },
  { additionalProperties: false },
);

export const EdrRequirementSchema = Type.Object(
  {
    required: Type.Boolean(),
    /** Products that satisfy the requirement; empty or absent means any known product. */
    allowed_products: Type.Optional(Type.Array(EdrProductIdSchema, { maxItems: 16 })),
    /** The product must report itself healthy (default true when required). */
    require_healthy: Type.Optional(Type.Boolean()),
    /** Real-time protection must be on where the product reports it. */
    require_real_time_protection: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const MfaRequirementSchema = Type.Object(
  {
    required: Type.Boolean(),
    /** Any of these RFC 8176 `amr` values must be present (e.g. `mfa`, `hwk`, `otp`). */
    amr_any: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16 })),
    /** Any of these `acr` values. */
    acr_any: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 16 })),
    /** Most seconds since the user's authentication at the IdP. */
    max_auth_age_seconds: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const FirewallRequirementSchema = Type.Object(
  { required: Type.Boolean() },
  { additionalProperties: false },
);

export const ScreenLockRequirementSchema = Type.Object(
  {
    required: Type.Boolean(),
    /** Most idle seconds before the screen locks. */
    max_idle_seconds: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const MdmRequirementSchema = Type.Object(
  {
    required: Type.Boolean(),
    /** Accepted providers; absent means any. */
    providers: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16 })),
  },
  { additionalProperties: false },
);

export const RequirementsSchema = Type.Object(
  {
    os_patch: Type.Optional(OsPatchRequirementSchema),
    disk_encryption: Type.Optional(DiskEncryptionRequirementSchema),
    edr: Type.Optional(EdrRequirementSchema),
    mfa: Type.Optional(MfaRequirementSchema),
    firewall: Type.Optional(FirewallRequirementSchema),
    screen_lock: Type.Optional(ScreenLockRequirementSchema),
    mdm: Type.Optional(MdmRequirementSchema),
  },
  { additionalProperties: false },
);

export type OsPatchRequirement = Static<typeof OsPatchRequirementSchema>;
export type DiskEncryptionRequirement = Static<typeof DiskEncryptionRequirementSchema>;
export type EdrRequirement = Static<typeof EdrRequirementSchema>;
export type MfaRequirement = Static<typeof MfaRequirementSchema>;
export type FirewallRequirement = Static<typeof FirewallRequirementSchema>;
export type ScreenLockRequirement = Static<typeof ScreenLockRequirementSchema>;
export type MdmRequirement = Static<typeof MdmRequirementSchema>;
export type Requirements = Static<typeof RequirementsSchema>;

/**
 * The built-in baseline used before the first attestation (or when unenrolled):
 * the example policy's strictest segment (`training`/`deployment`). The agent says
 * when it is judging against this baseline rather than the service's requirements.
 */
export const BASELINE_REQUIREMENTS: Requirements = {
  os_patch: {
    max_patch_age_days: 30,
    max_pending_security_updates: 0,
    require_vendor_supported: true,
    fail_on_reboot_required: false,
    fail_on_os_update_pending: false,
  },
  disk_encryption: { required: true },
  edr: { required: true, require_healthy: true, require_real_time_protection: true },
  mfa: { required: true, amr_any: ['mfa', 'hwk', 'otp', 'swk'], max_auth_age_seconds: 12 * 3600 },
  firewall: { required: true },
  screen_lock: { required: true, max_idle_seconds: 900 },
  mdm: { required: false },
};
