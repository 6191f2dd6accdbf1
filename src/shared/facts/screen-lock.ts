/** Facts of the `screen_lock` check. */
import { Type, type Static } from '@sinclair/typebox';

export const ScreenLockFactsSchema = Type.Object(
  {
    /** A graphical session exists to lock (false on a headless server). */
    desktop: Type.Optional(Type.Boolean()),
    /** `gnome`, `kde`, `macos`, `windows`. */
    environment: Type.Optional(Type.String({ maxLength: 64 })),
    /** Locking on idle/screensaver is on. */
    enabled: Type.Optional(Type.Boolean()),
    /** Seconds of idle before the screen blanks/locks (0 = never). */
    idleTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Extra delay between blanking and requiring a password. */
    lockDelaySeconds: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type ScreenLockFacts = Static<typeof ScreenLockFactsSchema>;
