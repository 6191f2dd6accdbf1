/** What every CLI command shares: output streams, environment, argument parsing, paths. */
import { homedir } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PostureError } from '../../shared/errors.js';
import type { Platform } from '../../shared/check-ids.js';
import { agentStateDir } from '../config/paths.js';
import { currentPlatform } from '../platform.js';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  isTty: boolean;
  /** Resolves when the user asks the daemon to stop (SIGINT/SIGTERM). */
  stopSignal?: AbortSignal;
}

/** Parses a command's options strictly. @throws PostureError USAGE */
export function parse<const T extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: false, strict: true as const });
  } catch (e) {
    throw new PostureError('USAGE', `${(e as Error).message}; run \`posture-agent help\``);
  }
}

export function platformOrThrow(): Platform {
  const p = currentPlatform();
  if (!p) throw new PostureError('USAGE', `unsupported operating system: ${process.platform}`);
  return p;
}

export function stateDirFor(io: CliIo): string {
  return agentStateDir({ platform: platformOrThrow(), env: io.env, homedir: homedir() });
}
