// Builds dist/ once so that tests can run the real `posture-agent` binary.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function setup(): void {
  // Developers iterating on one test file may skip the build; CI never sets this.
  if (process.env.POSTURE_SKIP_BUILD === '1' && process.env.CI !== 'true') return;
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
}
