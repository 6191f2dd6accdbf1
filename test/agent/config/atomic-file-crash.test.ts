/**
 * writeFileAtomic under SIGKILL: a child process rewrites `state.json` in a tight loop and
 * is killed at random moments; the file must always parse (the old or the new content,
 * never a torn mix), both while it is being rewritten and after each kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../src/common/package-info.js';

const MODULE = pathToFileURL(join(PROJECT_ROOT, 'dist', 'src', 'agent', 'config', 'atomic-file.js')).href;

// Each write is ~64 KiB, so a non-atomic write would be caught half done.
const WRITER = `
import { writeFileAtomic } from ${JSON.stringify(MODULE)};
const path = process.argv[1];
const start = Number(process.argv[2]);
const pad = 'x'.repeat(64 * 1024);
process.stdout.write('ready\\n');
for (let seq = start; ; seq++) await writeFileAtomic(path, JSON.stringify({ seq, pad }));
`;

interface State { seq: number; pad: string }

it('state.json always parses, whenever its writer is killed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'posture-atomic-'));
  const path = join(dir, 'state.json');
  let child: ChildProcess | undefined;
  try {
    let lastSeq = -1;
    let reads = 0;
    for (let round = 0; round < 6; round++) {
      const writer = spawn(process.execPath, ['--input-type=module', '-e', WRITER, path, String(lastSeq + 1)], { stdio: ['ignore', 'pipe', 'inherit'] });
      child = writer;
      await new Promise<void>((resolve, reject) => {
        writer.stdout.once('data', () => resolve());
        writer.once('exit', (code) => reject(new Error(`writer exited ${code}`)));
      });
      // Read concurrently with the writes, then kill at a varying moment.
      const until = Date.now() + 80 + round * 37;
      while (Date.now() < until) {
        const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
        if (text === undefined) continue;
        const s = JSON.parse(text) as State;
        expect(s.pad).toHaveLength(64 * 1024);
        reads++;
      }
      writer.kill('SIGKILL');
      await new Promise((r) => writer.once('exit', r));
      const after = JSON.parse(await readFile(path, 'utf8')) as State;
      expect(after.pad).toHaveLength(64 * 1024);
      expect(after.seq).toBeGreaterThan(lastSeq);
      lastSeq = after.seq;
    }
    expect(reads).toBeGreaterThan(10);
    // A kill between create and rename can leave a temporary sibling, never a torn state.json.
    expect((await readdir(dir)).filter((f) => f !== 'state.json').every((f) => f.startsWith('state.json.') && f.endsWith('.tmp'))).toBe(true);
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child?.once('exit', r));
    }
    await rm(dir, { recursive: true, force: true });
  }
});
