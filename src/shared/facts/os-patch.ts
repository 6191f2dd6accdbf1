/** Facts of the `os_patch` check. An absent field means "not observed", never a default. */
import { Type, type Static } from '@sinclair/typebox';

export const OsInfoSchema = Type.Object(
  {
    /** Family: `linux`, `darwin`, `win32`. */
    platform: Type.String({ maxLength: 16 }),
    /** Short product name: `Debian GNU/Linux`, `macOS`, `Windows 11 Pro`. */
    name: Type.Optional(Type.String({ maxLength: 128 })),
    /** os-release `ID`, `macos`, `windows`. */
    id: Type.Optional(Type.String({ maxLength: 64 })),
    /** os-release `ID_LIKE`, split. */
    idLike: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 8 })),
    /** Version as the vendor numbers it: `12`, `15.7.1`, `10.0.26200`. */
    version: Type.Optional(Type.String({ maxLength: 64 })),
    /** Display version / codename: `bookworm`, `25H2`. */
    versionName: Type.Optional(Type.String({ maxLength: 64 })),
    /** Build: macOS `24G231`, Windows `26200.6901`. */
    build: Type.Optional(Type.String({ maxLength: 64 })),
    prettyName: Type.Optional(Type.String({ maxLength: 256 })),
    kernel: Type.Optional(Type.String({ maxLength: 128 })),
    /** Windows `EditionID` (`Professional`, `Enterprise`, `EnterpriseS` = LTSC): support dates differ per edition. */
    edition: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type OsInfo = Static<typeof OsInfoSchema>;

export const PendingUpdateSchema = Type.Object(
  {
    name: Type.String({ maxLength: 256 }),
    version: Type.Optional(Type.String({ maxLength: 128 })),
    security: Type.Optional(Type.Boolean()),
    /** An update of the operating system itself (macOS major/minor, kernel). */
    os: Type.Optional(Type.Boolean()),
    restart: Type.Optional(Type.Boolean()),
    /** A pre-release (beta) the device is enrolled to receive; never counted as a security update. */
    beta: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type PendingUpdate = Static<typeof PendingUpdateSchema>;

export const InstalledUpdateSchema = Type.Object(
  {
    /** KB number, package transaction, or installer label. */
    id: Type.String({ maxLength: 256 }),
    description: Type.Optional(Type.String({ maxLength: 256 })),
    /** ISO 8601 date or date-time. */
    installedAt: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type InstalledUpdate = Static<typeof InstalledUpdateSchema>;

export const OsPatchFactsSchema = Type.Object(
  {
    os: OsInfoSchema,
    /** `apt`, `dnf`, `yum`, `zypper`, `pacman`, `apk`, `softwareupdate`, `windows-update`. */
    packageManager: Type.Optional(Type.String({ maxLength: 32 })),
    /**
     * ISO 8601: when updates were last installed. Linux package logs record device-local
     * time without an offset, so such values carry no offset either (never a guessed one).
     */
    lastUpdateInstalledAt: Type.Optional(Type.String({ maxLength: 40 })),
    /**
     * ISO 8601: the oldest entry of the update history that was read. Set when that history
     * shows no update at all, so "no update since at least this date" is still a reading.
     */
    updateHistoryStartsAt: Type.Optional(Type.String({ maxLength: 40 })),
    pendingUpdates: Type.Optional(Type.Integer({ minimum: 0 })),
    pendingSecurityUpdates: Type.Optional(Type.Integer({ minimum: 0 })),
    /** When the pending list was last refreshed from the vendor (Windows Update's last successful search). */
    pendingCheckedAt: Type.Optional(Type.String({ maxLength: 40 })),
    /** First 50 pending updates. */
    pending: Type.Optional(Type.Array(PendingUpdateSchema, { maxItems: 50 })),
    /** An OS (not just package) update is waiting. */
    osUpdatePending: Type.Optional(Type.Boolean()),
    rebootRequired: Type.Optional(Type.Boolean()),
    /** The vendor still ships security fixes for this OS version. */
    vendorSupported: Type.Optional(Type.Boolean()),
    /** ISO date the vendor's security support ends (or ended). */
    supportEndsOn: Type.Optional(Type.String({ maxLength: 40 })),
    /** Last 50 installed updates, newest first. */
    recentUpdates: Type.Optional(Type.Array(InstalledUpdateSchema, { maxItems: 50 })),
    installedUpdateCount: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type OsPatchFacts = Static<typeof OsPatchFactsSchema>;
