/** Executables the `mdm` collectors may run. */
import type { CommandSpec } from './types.js';

export const mdmCommands = {} as const satisfies Record<string, CommandSpec>;
