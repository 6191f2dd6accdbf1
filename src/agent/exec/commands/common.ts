/** Executables several checks share. */
import type { CommandSpec } from './types.js';

export const commonCommands = {
  /** Process list: `ps -e -o comm=` (Linux), `ps -axco comm=` (macOS). */
  ps: { linux: ['/usr/bin/ps', '/bin/ps'], darwin: ['/bin/ps'] },
  /** Windows process list as CSV. */
  tasklist: { win32: ['%SystemRoot%\\System32\\tasklist.exe'] },
  /** Windows PowerShell 5.1, always present; used with fixed `-Command` scripts only. */
  powershell: { win32: ['%SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe'] },
  reg: { win32: ['%SystemRoot%\\System32\\reg.exe'] },
  systemctl: { linux: ['/usr/bin/systemctl', '/bin/systemctl'] },
} as const satisfies Record<string, CommandSpec>;
