/** The project's root directory and version, found once from the package manifest (works from src/ and dist/). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function find(): { root: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ai-factory-posture' && pkg.version) return { root: dir, version: pkg.version };
    } catch {
      // keep walking up
    }
    dir = dirname(dir);
  }
  return { root: process.cwd(), version: '0.0.0-unknown' };
}

const info = find();

/** Directory holding package.json, `examples/`, `renderer/`. */
export const PROJECT_ROOT = info.root;
/** package.json version. */
export const PROJECT_VERSION = info.version;
/** package.json name. */
export const PROJECT_NAME = 'ai-factory-posture';
