/** Executables the `mfa` collectors may run. */
import type { CommandSpec } from './types.js';

export const mfaCommands = {} as const satisfies Record<string, CommandSpec>;
