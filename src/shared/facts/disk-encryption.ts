/** Facts of the `disk_encryption` check. */
import { Type, type Static } from '@sinclair/typebox';

export const ENCRYPTION_STATES = ['on', 'off', 'encrypting', 'decrypting', 'paused', 'locked'] as const;
export type EncryptionState = (typeof ENCRYPTION_STATES)[number];

export const VolumeSchema = Type.Object(
  {
    /** Mount point or drive letter: `/`, `C:`, `/System/Volumes/Data`. */
    mount: Type.Optional(Type.String({ maxLength: 512 })),
    /** Block device or volume id. */
    device: Type.Optional(Type.String({ maxLength: 512 })),
    /** Holds the operating system (root, C:, the APFS system/data volume). */
    system: Type.Boolean(),
    /** Fully encrypted now (state `on` or `locked`); false while encryption is still in progress. */
    encrypted: Type.Boolean(),
    /**
     * `LUKS2`, `LUKS1`, `PLAIN`, `LUKS` / `dm-crypt` (version not read), `FileVault`, or the
     * BitLocker cipher in manage-bde's words (`XTS-AES 128`, `AES 256`).
     */
    method: Type.Optional(Type.String({ maxLength: 64 })),
    /** `on` = fully encrypted; `paused` covers a paused encryption or decryption. */
    state: Type.Optional(Type.Union(ENCRYPTION_STATES.map((s) => Type.Literal(s)))),
    percentEncrypted: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    /** BitLocker protection status: keys are protected (not suspended). */
    protectionOn: Type.Optional(Type.Boolean()),
    /**
     * Key protectors / unlock methods, named as the BitLocker PowerShell module names them
     * (`Tpm`, `TpmPin`, `RecoveryPassword`, `Password`, `ExternalKey`), or `PersonalRecoveryKey`
     * (FileVault). A name no source maps is kept as printed.
     */
    protectors: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16 })),
  },
  { additionalProperties: false },
);
export type Volume = Static<typeof VolumeSchema>;

export const DiskEncryptionFactsSchema = Type.Object(
  {
    volumes: Type.Array(VolumeSchema, { maxItems: 64 }),
    /** The verdict for the volume(s) holding the OS and user data; absent when not determined. */
    systemVolumeEncrypted: Type.Optional(Type.Boolean()),
    /** FileVault institutional recovery key / escrow present (macOS). */
    institutionalRecoveryKey: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type DiskEncryptionFacts = Static<typeof DiskEncryptionFactsSchema>;
