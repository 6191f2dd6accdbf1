/** Executables the `screen-lock` collectors may run. */
import type { CommandSpec } from './types.js';

export const screenLockCommands = {} as const satisfies Record<string, CommandSpec>;
