/** Executables the `screen-lock` collectors may run. */
import type { CommandSpec } from './types.js';

export const screenLockCommands = {
  /** GNOME settings of the user the agent runs as: `gsettings get <schema> <key>`. */
  gsettings: { linux: ['/usr/bin/gsettings', '/bin/gsettings'] },
  /** macOS: `sysadminctl -screenLock status` (answers on stderr). */
  sysadminctl: { darwin: ['/usr/sbin/sysadminctl'] },
  /** macOS: `defaults -currentHost read com.apple.screensaver idleTime`. */
  defaults: { darwin: ['/usr/bin/defaults'] },
  /** macOS: `pmset -g` (display sleep minutes). */
  pmset: { darwin: ['/usr/bin/pmset'] },
} as const satisfies Record<string, CommandSpec>;
