/** Executables the `mfa` collectors may run. */
import type { CommandSpec } from './types.js';

export const mfaCommands = {
  /** macOS Touch ID: `bioutil -r` (unlock setting) and `bioutil -c` (enrolled fingerprints). */
  bioutil: { darwin: ['/usr/bin/bioutil'] },
} as const satisfies Record<string, CommandSpec>;
