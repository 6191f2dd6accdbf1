/**
 * The only place the agent starts a child process. Every executable is named in the
 * allow-list (`commands/`), resolved to an absolute path, and run with `execFile`
 * semantics: an argument array, never a shell, a clean environment, a timeout and an
 * output cap. Everything a child prints is treated as hostile input by the parsers.
 */
import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Platform } from '../../shared/check-ids.js';
import type { ProbeError } from '../../shared/bundle.js';
import type { CommandSpec } from './commands/types.js';

export interface RunOptions {
  /** Kill the child after this many milliseconds (default 10 s). */
  timeoutMs?: number;
  /** Cap on stdout and on stderr, each (default 4 MiB). */
  maxBytes?: number;
}

export interface RunResult {
  /** Absolute path that was run, when one was found. */
  executable?: string;
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number | null;
  signal?: string;
  durationMs: number;
  error?: ProbeError;
  errorDetail?: string;
}

export interface CommandRunner {
  run(name: string, args: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

/** A fixed environment: no inherited PATH tricks, C locale where the OS honours it. */
function childEnv(platform: Platform): NodeJS.ProcessEnv {
  if (platform === 'win32') {
    const systemRoot = windowsSystemRoot();
    return { SystemRoot: systemRoot, windir: systemRoot, PATH: `${systemRoot}\\System32` };
  }
  const env: NodeJS.ProcessEnv = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    LC_ALL: 'C',
    LANG: 'C',
  };
  // Desktop settings (gsettings) need the user's session bus and home.
  for (const k of ['HOME', 'DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_CURRENT_DESKTOP', 'USER']) {
    const v = process.env[k];
    if (v) env[k] = v;
  }
  return env;
}

function windowsSystemRoot(): string {
  const v = process.env.SystemRoot ?? process.env.windir;
  return v && /^[A-Za-z]:\\[^%"<>|?*]*$/.test(v) ? v : 'C:\\Windows';
}

function expandPath(path: string, platform: Platform): string {
  return platform === 'win32' ? path.replace(/^%SystemRoot%/i, windowsSystemRoot()) : path;
}

/**
 * Creates a runner over an allow-list. `commands` maps a name to its per-OS paths;
 * a name not in the map is refused (programming error, thrown), a name with no
 * existing path yields `error: 'not-installed'`.
 */
export function createCommandRunner(
  commands: Readonly<Record<string, CommandSpec>>,
  platform: Platform,
): CommandRunner {
  const resolved = new Map<string, Promise<string | undefined>>();

  async function resolve(name: string): Promise<string | undefined> {
    const spec = commands[name];
    if (!spec) throw new Error(`command not in the allow-list: ${name}`);
    for (const candidate of spec[platform] ?? []) {
      const path = expandPath(candidate, platform);
      try {
        await access(path, platform === 'win32' ? fsConstants.F_OK : fsConstants.X_OK);
        return path;
      } catch {
        // try the next candidate
      }
    }
    return undefined;
  }

  return {
    async run(name, args, opts = {}) {
      let pending = resolved.get(name);
      if (!pending) {
        pending = resolve(name);
        resolved.set(name, pending);
      }
      const executable = await pending;
      if (!executable) {
        return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: null, durationMs: 0, error: 'not-installed', errorDetail: `${name} not found` };
      }
      return spawnCapped(executable, args, platform, opts);
    },
  };
}

function spawnCapped(executable: string, args: readonly string[], platform: Platform, opts: RunOptions): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const started = performance.now();
  return new Promise((resolvePromise) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let error: ProbeError | undefined;
    let errorDetail: string | undefined;
    let settled = false;

    const child = spawn(executable, [...args], {
      shell: false,
      windowsHide: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv(platform),
    });

    const kill = (why: ProbeError, detail: string): void => {
      if (!error) {
        error = why;
        errorDetail = detail;
      }
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill('timeout', `no answer after ${timeoutMs} ms`), timeoutMs);

    const collect = (chunks: Buffer[], chunk: Buffer, isOut: boolean): void => {
      const used = isOut ? outLen : errLen;
      const room = maxBytes - used;
      if (room <= 0) return;
      const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(piece);
      if (isOut) outLen += piece.length;
      else errLen += piece.length;
      if (chunk.length > room) kill('output-too-large', `output passed ${maxBytes} bytes`);
    };
    child.stdout.on('data', (c: Buffer) => collect(out, c, true));
    child.stderr.on('data', (c: Buffer) => collect(err, c, false));

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const result: RunResult = {
        executable,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        exitCode,
        durationMs: performance.now() - started,
      };
      if (signal) result.signal = signal;
      if (error) {
        result.error = error;
        if (errorDetail) result.errorDetail = errorDetail;
      }
      resolvePromise(result);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code === 'EACCES' || e.code === 'EPERM' ? 'permission' : e.code === 'ENOENT' ? 'not-installed' : 'spawn-failed';
      errorDetail = e.message;
      finish(null, null);
    });
    child.on('close', finish);
  });
}
