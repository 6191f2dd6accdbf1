/** Executables the `disk-encryption` collectors may run. */
import type { CommandSpec } from './types.js';

export const diskEncryptionCommands = {} as const satisfies Record<string, CommandSpec>;
