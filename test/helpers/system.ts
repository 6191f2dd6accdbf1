/**
 * Finding system components (python3-jwcrypto, nginx, chromium, …) for tests that
 * need them. On a developer machine without one, the test is skipped with a one-line
 * reason; under CI=true a missing component is a failure, never a skip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Component {
  available: boolean;
  /** Why it is missing (empty when available). */
  reason: string;
}

/**
 * Checks a component with `probe`; throws under CI when it is missing.
 * @param name what the README calls it, e.g. "python3-jwcrypto (Debian)".
 */
export function requireComponent(name: string, probe: () => boolean): Component {
  let ok = false;
  try {
    ok = probe();
  } catch {
    ok = false;
  }
  if (ok) return { available: true, reason: '' };
  const reason = `${name} is not installed (apt-get install ${name.split(' ')[0]})`;
  if (process.env.CI === 'true') throw new Error(`CI=true: ${reason}; .ci/run must install it`);
  return { available: false, reason };
}

/** True when `/usr/bin/python3` can import `module`. */
export function pythonHasModule(module: string): boolean {
  if (!existsSync('/usr/bin/python3')) return false;
  execFileSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' });
  return true;
}
