import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOWED_COMMANDS } from '../../../src/agent/exec/allowlist.js';
import { createCommandRunner } from '../../../src/agent/exec/run-command.js';

// Real child processes on this Linux machine, through a test allow-list.
const commands = {
  echo: { linux: ['/bin/echo', '/usr/bin/echo'] },
  sleep: { linux: ['/bin/sleep', '/usr/bin/sleep'] },
  yes: { linux: ['/usr/bin/yes', '/bin/yes'] },
  env: { linux: ['/usr/bin/env', '/bin/env'] },
  missing: { linux: ['/nonexistent/tool', '/also/missing'] },
  darwinOnly: { darwin: ['/usr/bin/sw_vers'] },
};

describe('createCommandRunner', () => {
  const runner = createCommandRunner(commands, 'linux');

  it('passes arguments as an array, never through a shell', async () => {
    const res = await runner.run('echo', ['$(id)', '; rm -rf /', '`whoami`', '*']);
    expect(res.error).toBeUndefined();
    expect(res.exitCode).toBe(0);
    expect(res.stdout.toString()).toBe('$(id) ; rm -rf / `whoami` *\n');
  });

  it('kills a hung command at its timeout and says so', async () => {
    const t0 = Date.now();
    const res = await runner.run('sleep', ['10'], { timeoutMs: 200 });
    expect(res.error).toBe('timeout');
    expect(res.signal).toBe('SIGKILL');
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('caps output and reports output-too-large', async () => {
    const res = await runner.run('yes', [], { maxBytes: 10_000, timeoutMs: 5000 });
    expect(res.error).toBe('output-too-large');
    expect(res.stdout.length).toBe(10_000);
  });

  it('reports not-installed when no allow-listed path exists', async () => {
    const res = await runner.run('missing', []);
    expect(res.error).toBe('not-installed');
    expect(res.exitCode).toBeNull();
  });

  it('reports not-installed for a command with no path on this OS', async () => {
    expect((await runner.run('darwinOnly', [])).error).toBe('not-installed');
  });

  it('refuses a command that is not in the allow-list', async () => {
    await expect(runner.run('rm', ['-rf', '/tmp/x'])).rejects.toThrow(/not in the allow-list/);
  });

  it('runs children with a fixed PATH and the C locale, not the caller environment', async () => {
    process.env.POSTURE_TEST_SECRET = 'do-not-leak';
    const res = await runner.run('env', []);
    delete process.env.POSTURE_TEST_SECRET;
    const env = res.stdout.toString();
    expect(env).toContain('LC_ALL=C');
    expect(env).toContain('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(env).not.toContain('do-not-leak');
  });

  it('treats a non-executable file at an allow-listed path as not installed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'posture-exec-'));
    const file = join(dir, 'tool');
    await writeFile(file, '#!/bin/sh\necho hi\n');
    await chmod(file, 0o644);
    const r = createCommandRunner({ tool: { linux: [file] } }, 'linux');
    // Not executable: the allow-list skips it (X_OK), so it is not installed.
    expect((await r.run('tool', [])).error).toBe('not-installed');
  });
});

describe('ALLOWED_COMMANDS', () => {
  it('lists only absolute paths', () => {
    for (const [name, spec] of Object.entries(ALLOWED_COMMANDS)) {
      for (const [platform, paths] of Object.entries(spec)) {
        for (const p of paths as string[]) {
          const ok = platform === 'win32' ? /^(%SystemRoot%|[A-Z]:)\\/.test(p) : p.startsWith('/');
          expect(ok, `${name} on ${platform}: ${p}`).toBe(true);
        }
      }
    }
  });
});
