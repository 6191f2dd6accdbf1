/**
 * The allow-list: every executable the agent may start, by name, with its absolute
 * path on each OS. Collectors name commands; they never pass paths.
 */
import { commonCommands } from './commands/common.js';
import { diskEncryptionCommands } from './commands/disk-encryption.js';
import { edrCommands } from './commands/edr.js';
import { firewallCommands } from './commands/firewall.js';
import { mdmCommands } from './commands/mdm.js';
import { mfaCommands } from './commands/mfa.js';
import { osPatchCommands } from './commands/os-patch.js';
import { screenLockCommands } from './commands/screen-lock.js';
import type { CommandSpec } from './commands/types.js';

export const ALLOWED_COMMANDS: Readonly<Record<string, CommandSpec>> = {
  ...commonCommands,
  ...osPatchCommands,
  ...diskEncryptionCommands,
  ...edrCommands,
  ...mfaCommands,
  ...firewallCommands,
  ...screenLockCommands,
  ...mdmCommands,
};
