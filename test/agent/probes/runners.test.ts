import { mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT, type Bundle } from '../../../src/shared/bundle.js';
import { createCommandRunner } from '../../../src/agent/exec/run-command.js';
import { createLiveProbeRunner } from '../../../src/agent/probes/live-runner.js';
import { fromRecord, toRecord } from '../../../src/agent/probes/record.js';
import { createReplayProbeRunner } from '../../../src/agent/probes/replay-runner.js';
import { probeGap } from '../../../src/agent/probes/text.js';

const commands = { date: { linux: ['/bin/date', '/usr/bin/date'] }, sh: { linux: ['/bin/sh'] } };

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'posture-probes-'));
}

describe('live probe runner', () => {
  it('records every probe with its command, arguments and output', async () => {
    const runner = createLiveProbeRunner({ commands: createCommandRunner(commands, 'linux') });
    const out = await runner.exec('linux.date', 'date', ['-u', '+%Y']);
    expect(out.exitCode).toBe(0);
    const [rec] = runner.records();
    expect(rec).toMatchObject({ key: 'linux.date', probe: 'linux.date', kind: 'exec', command: 'date', args: ['-u', '+%Y'], exitCode: 0 });
    expect(rec?.stdout).toMatch(/^\d{4}\n$/);
  });

  it('runs a probe once when several checks ask for it at the same time', async () => {
    const runner = createLiveProbeRunner({ commands: createCommandRunner(commands, 'linux') });
    const [a, b] = await Promise.all([runner.exec('linux.date', 'date', ['+%N']), runner.exec('linux.date', 'date', ['+%N'])]);
    expect(a).toBe(b);
    expect(runner.records()).toHaveLength(1);
  });

  it('reports a missing file as not-found and an unreadable path as an error, never throwing', async () => {
    const runner = createLiveProbeRunner({ commands: createCommandRunner(commands, 'linux') });
    expect((await runner.readFile('x.missing', '/nonexistent/file')).error).toBe('not-found');
    expect((await runner.readFile('x.dir', '/etc')).error).toBe('io-error');
    expect((await runner.listDir('x.nodir', '/nonexistent')).error).toBe('not-found');
  });

  it('keys parameterised probes by instance', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a'), 'A');
    await writeFile(join(dir, 'b'), 'B');
    const runner = createLiveProbeRunner({ commands: createCommandRunner(commands, 'linux') });
    const [a, b] = await Promise.all([runner.readFile('t.file', join(dir, 'a'), { instance: 'a' }), runner.readFile('t.file', join(dir, 'b'), { instance: 'b' })]);
    expect([a.key, a.stdout.toString(), b.key, b.stdout.toString()]).toEqual(['t.file#a', 'A', 't.file#b', 'B']);
  });

  it('reuses a slow probe while its input files are unchanged, and reruns after they change', async () => {
    const dir = await tempDir();
    const input = join(dir, 'status');
    await writeFile(input, 'v1');
    const cacheDir = join(dir, 'cache');
    const run = async () => {
      const runner = createLiveProbeRunner({ commands: createCommandRunner(commands, 'linux'), cacheDir });
      await runner.exec('t.nanos', 'date', ['+%s%N'], { cacheWhileUnchanged: [input] });
      return runner.records()[0];
    };
    const first = await run();
    const second = await run();
    expect(first?.cachedFrom).toBeUndefined();
    expect(second?.cachedFrom).toBe(first?.startedAt);
    expect(second?.stdout).toBe(first?.stdout);
    await writeFile(input, 'v2, longer');
    await utimes(input, new Date(), new Date(Date.now() + 5000));
    const third = await run();
    expect(third?.cachedFrom).toBeUndefined();
    expect(third?.stdout).not.toBe(first?.stdout);
    expect((await readdir(cacheDir)).length).toBe(1);
  });

  it('does not cache a failing probe', async () => {
    const dir = await tempDir();
    const cacheDir = join(dir, 'cache');
    const runner = createLiveProbeRunner({ commands: createCommandRunner(commands, 'linux'), cacheDir });
    await runner.exec('t.fail', 'sh', ['-c', 'exit 3'], { cacheWhileUnchanged: [dir] });
    await expect(readdir(cacheDir)).rejects.toThrow();
  });
});

describe('bundle records', () => {
  it('keeps non-UTF-8 output byte-exact through base64', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Status=OK', 'utf16le')]);
    const rec = toRecord({ key: 'k', probe: 'k', stdout: bytes, stderr: Buffer.alloc(0), exitCode: 0, durationMs: 1 }, { kind: 'exec', startedAt: new Date(0).toISOString() });
    expect(rec.stdout).toBeUndefined();
    expect(fromRecord(rec).stdout.equals(bytes)).toBe(true);
  });
});

describe('replay probe runner', () => {
  const bundle: Bundle = {
    format: BUNDLE_FORMAT,
    agent: { name: 'posture-agent', version: 'test' },
    platform: 'darwin',
    collectedAt: '2025-01-01T00:00:00.000Z',
    probes: [
      { key: 'darwin.fdesetup-status', probe: 'darwin.fdesetup-status', kind: 'exec', startedAt: '2025-01-01T00:00:00.000Z', durationMs: 5, exitCode: 0, stdout: 'FileVault is On.\n' },
      { key: 'darwin.slow', probe: 'darwin.slow', kind: 'exec', startedAt: '2025-01-01T00:00:00.000Z', durationMs: 10000, exitCode: null, error: 'timeout' },
    ],
  };
  const runner = createReplayProbeRunner(bundle);

  it('answers a recorded probe with its output', async () => {
    const out = await runner.exec('darwin.fdesetup-status', 'fdesetup', ['status']);
    expect(out.stdout.toString()).toBe('FileVault is On.\n');
  });

  it('answers a probe missing from the bundle with not-collected', async () => {
    const out = await runner.exec('darwin.softwareupdate-list', 'softwareupdate', ['--list']);
    expect(out.error).toBe('not-collected');
    expect(probeGap(out, 'pendingUpdates')?.reason).toBe('not-collected');
  });

  it('replays a recorded timeout as a timeout gap', async () => {
    expect(probeGap(await runner.exec('darwin.slow', 'x'), 'f')?.reason).toBe('timeout');
  });
});

describe('probeGap', () => {
  const base = { key: 'p', probe: 'p', stderr: Buffer.alloc(0), durationMs: 1 };
  it('turns a permission message with a non-zero exit into a permission gap', () => {
    expect(probeGap({ ...base, stdout: Buffer.alloc(0), stderr: Buffer.from('Error: Operation not permitted\n'), exitCode: 1 }, 'f')?.reason).toBe('permission');
  });
  it('turns empty and binary output into parse-error gaps', () => {
    expect(probeGap({ ...base, stdout: Buffer.from('  \n'), exitCode: 0 }, 'f')?.reason).toBe('parse-error');
    expect(probeGap({ ...base, stdout: Buffer.from([0, 1, 2, 3, 0, 0, 0, 5, 6]), exitCode: 0 }, 'f')?.detail).toBe('output is not text');
  });
  it('accepts ordinary output', () => {
    expect(probeGap({ ...base, stdout: Buffer.from('ok\n'), exitCode: 0 }, 'f')).toBeUndefined();
  });
});
