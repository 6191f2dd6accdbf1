/** Executables the `os-patch` collectors may run. */
import type { CommandSpec } from './types.js';

export const osPatchCommands = {} as const satisfies Record<string, CommandSpec>;
