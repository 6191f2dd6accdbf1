/** Executables the `firewall` collectors may run. */
import type { CommandSpec } from './types.js';

export const firewallCommands = {} as const satisfies Record<string, CommandSpec>;
