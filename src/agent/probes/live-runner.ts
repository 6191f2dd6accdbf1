/**
 * Runs probes on this machine and records each one for `diagnose`. Concurrent asks
 * for the same key share one run (the process list serves several checks).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProbeRecord } from '../../shared/bundle.js';
import type { CommandRunner } from '../exec/run-command.js';
import { fromRecord, toRecord } from './record.js';
import { probeKey, type ExecProbeOptions, type FileProbeOptions, type ProbeOutput, type ProbeRunner } from './types.js';

export interface LiveProbeRunner extends ProbeRunner {
  /** Every probe run so far, in start order. */
  records(): ProbeRecord[];
}

export interface LiveRunnerOptions {
  commands: CommandRunner;
  /** Directory for cached outputs of slow probes; no caching when absent. */
  cacheDir?: string;
  now?: () => Date;
}

const FILE_CAP = 8 * 1024 * 1024;

/** Creates a runner that executes probes for real. */
export function createLiveProbeRunner(opts: LiveRunnerOptions): LiveProbeRunner {
  const now = opts.now ?? (() => new Date());
  const inflight = new Map<string, Promise<ProbeOutput>>();
  const records: ProbeRecord[] = [];

  function once(key: string, run: () => Promise<{ out: ProbeOutput; rec: ProbeRecord }>): Promise<ProbeOutput> {
    const existing = inflight.get(key);
    if (existing) return existing;
    const p = run().then(({ out, rec }) => {
      records.push(rec);
      return out;
    });
    inflight.set(key, p);
    return p;
  }

  return {
    records: () => [...records].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.key.localeCompare(b.key)),

    exec(probe, command, args = [], o: ExecProbeOptions = {}) {
      const key = probeKey(probe, o.instance);
      return once(key, async () => {
        const startedAt = now().toISOString();
        const fingerprint = o.cacheWhileUnchanged && opts.cacheDir ? await fingerprintFiles(o.cacheWhileUnchanged, command, args) : undefined;
        if (fingerprint && opts.cacheDir) {
          const cached = await readCache(opts.cacheDir, key, fingerprint);
          if (cached) return { out: fromRecord(cached), rec: cached };
        }
        const res = await opts.commands.run(command, args, {
          ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
          ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}),
        });
        const out: ProbeOutput = { key, probe, stdout: res.stdout, stderr: res.stderr, exitCode: res.exitCode, durationMs: res.durationMs };
        if (res.error) out.error = res.error;
        if (res.errorDetail) out.errorDetail = res.errorDetail;
        if (o.encoding) out.encoding = o.encoding;
        const rec = toRecord(out, { kind: 'exec', startedAt, command, args: [...args], ...(res.signal ? { signal: res.signal } : {}) });
        if (fingerprint && opts.cacheDir && !res.error && res.exitCode === 0) {
          await writeCache(opts.cacheDir, key, fingerprint, { ...rec, cachedFrom: startedAt }).catch(() => undefined);
        }
        return { out, rec };
      });
    },

    readFile(probe, path, o: FileProbeOptions = {}) {
      const key = probeKey(probe, o.instance);
      return once(key, async () => {
        const startedAt = now().toISOString();
        const t0 = performance.now();
        const out: ProbeOutput = { key, probe, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: null, durationMs: 0 };
        try {
          const buf = await readFile(path);
          const cap = o.maxBytes ?? FILE_CAP;
          if (buf.length > cap) {
            out.stdout = buf.subarray(buf.length - cap);
            out.error = 'output-too-large';
            out.errorDetail = `file larger than ${cap} bytes; kept the last ${cap}`;
          } else {
            out.stdout = buf;
          }
        } catch (e) {
          setFsError(out, e);
        }
        if (o.encoding) out.encoding = o.encoding;
        out.durationMs = performance.now() - t0;
        return { out, rec: toRecord(out, { kind: 'file', startedAt, path }) };
      });
    },

    listDir(probe, path, o = {}) {
      const key = probeKey(probe, o.instance);
      return once(key, async () => {
        const startedAt = now().toISOString();
        const t0 = performance.now();
        const out: ProbeOutput = { key, probe, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: null, durationMs: 0 };
        try {
          const names = (await readdir(path)).sort();
          out.stdout = Buffer.from(names.join('\n'), 'utf8');
        } catch (e) {
          setFsError(out, e);
        }
        out.durationMs = performance.now() - t0;
        return { out, rec: toRecord(out, { kind: 'dir', startedAt, path }) };
      });
    },
  };
}

function setFsError(out: ProbeOutput, e: unknown): void {
  const err = e as NodeJS.ErrnoException;
  out.error = err.code === 'ENOENT' || err.code === 'ENOTDIR' ? 'not-found' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission' : 'io-error';
  out.errorDetail = err.message;
}

async function fingerprintFiles(paths: readonly string[], command: string, args: readonly string[]): Promise<string> {
  const h = createHash('sha256').update(JSON.stringify([command, args]));
  for (const p of paths) {
    try {
      const s = await stat(p);
      h.update(`${p}:${s.size}:${s.mtimeMs}\n`);
    } catch {
      h.update(`${p}:absent\n`);
    }
  }
  return h.digest('hex');
}

function cacheFile(dir: string, key: string): string {
  return join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
}

async function readCache(dir: string, key: string, fingerprint: string): Promise<ProbeRecord | undefined> {
  try {
    const parsed = JSON.parse(await readFile(cacheFile(dir, key), 'utf8')) as { fingerprint?: unknown; record?: ProbeRecord };
    return parsed.fingerprint === fingerprint && parsed.record?.key === key ? parsed.record : undefined;
  } catch {
    return undefined;
  }
}

async function writeCache(dir: string, key: string, fingerprint: string, record: ProbeRecord): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = cacheFile(dir, key);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ fingerprint, record }), { mode: 0o600 });
  await rename(tmp, file);
}
