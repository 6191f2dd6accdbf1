/**
 * Where the agent keeps its state (device key, enrolment, last result, probe cache):
 * the OS-appropriate per-user directory, or `POSTURE_AGENT_HOME` when set.
 */
import { join } from 'node:path';
import type { Platform } from '../../shared/check-ids.js';

export const APP_DIR_NAME = 'ai-factory-posture';

export interface PathEnv {
  platform: Platform;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
}

/**
 * The agent's state directory.
 * - `POSTURE_AGENT_HOME` when set (must be absolute).
 * - Linux: `$XDG_CONFIG_HOME/ai-factory-posture` (default `~/.config/…`).
 * - macOS: `~/Library/Application Support/ai-factory-posture`.
 * - Windows: `%APPDATA%\ai-factory-posture` (default `~\AppData\Roaming\…`).
 * @throws Error when `POSTURE_AGENT_HOME` is relative.
 */
export function agentStateDir({ platform, env, homedir }: PathEnv): string {
  const override = env.POSTURE_AGENT_HOME;
  if (override) {
    if (!isAbsolute(override, platform)) throw new Error(`POSTURE_AGENT_HOME must be an absolute path, got "${override}"`);
    return override;
  }
  switch (platform) {
    case 'darwin':
      return join(homedir, 'Library', 'Application Support', APP_DIR_NAME);
    case 'win32':
      return `${env.APPDATA && isAbsolute(env.APPDATA, 'win32') ? env.APPDATA : `${homedir}\\AppData\\Roaming`}\\${APP_DIR_NAME}`;
    case 'linux': {
      const xdg = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME, 'linux') ? env.XDG_CONFIG_HOME : join(homedir, '.config');
      return join(xdg, APP_DIR_NAME);
    }
  }
}

function isAbsolute(p: string, platform: Platform): boolean {
  return platform === 'win32' ? /^[A-Za-z]:[\\/]|^\\\\/.test(p) : p.startsWith('/');
}
