/**
 * Reads managed configuration from where the OS keeps it (see `managed-config.ts` for the
 * places) and the user's own settings file. Only I/O here: parsing and precedence are pure
 * and tested in `src/agent/config/managed-config.ts`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mergeManaged, managedSourceFor, normaliseManaged, parseManagedJson, parsePlist, parseRegistryPolicy, type ManagedConfig, type TraySettings } from '../agent/config/managed-config.js';
import { ALLOWED_COMMANDS } from '../agent/exec/allowlist.js';
import { createCommandRunner } from '../agent/exec/run-command.js';
import type { Platform } from '../shared/check-ids.js';

/** Managed settings for this machine and user; a missing source is simply empty. */
export async function readManagedConfig(platform: Platform, user: string | undefined): Promise<ManagedConfig> {
  const source = managedSourceFor(platform, user);
  switch (source.kind) {
    case 'json-file': {
      const text = await readOptional(source.path);
      return text === undefined ? { settings: {}, problems: [] } : parseManagedJson(text.toString('utf8'));
    }
    case 'plist': {
      const configs: ManagedConfig[] = [];
      for (const path of source.paths) {
        const data = await readOptional(path);
        if (data) configs.push(parsePlist(data));
      }
      return mergeManaged(configs);
    }
    case 'registry': {
      const res = await createCommandRunner(ALLOWED_COMMANDS, 'win32').run('reg', ['query', source.key], { timeoutMs: 5_000, maxBytes: 64 * 1024 });
      // reg.exe exits 1 when the key does not exist: no policy deployed.
      if (res.exitCode === 1 || res.error) return { settings: {}, problems: res.error ? [`reg query failed: ${res.error}`] : [] };
      return parseRegistryPolicy(res.stdout.toString('utf8'));
    }
  }
}

/** The user's settings (`<state dir>/settings.json`); invalid keys are dropped. */
export async function readUserSettings(stateDir: string): Promise<TraySettings> {
  const text = await readOptional(join(stateDir, 'settings.json'));
  if (!text) return {};
  try {
    const data = JSON.parse(text.toString('utf8')) as unknown;
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? normaliseManaged(data as Record<string, unknown>).settings : {};
  } catch {
    return {};
  }
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
