/** Executables the `edr` collectors may run. */
import type { CommandSpec } from './types.js';

export const edrCommands = {} as const satisfies Record<string, CommandSpec>;
