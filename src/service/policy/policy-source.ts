/**
 * The active policy, reloaded when its file changes. The directory is watched, not
 * the file: editors that save by writing a temporary file and renaming it over the
 * original (vim, many IDEs), and Kubernetes ConfigMaps that swap a `..data` symlink,
 * replace the inode a file watch would be holding. Every event in the directory
 * schedules a debounced re-read; a new text is validated completely before it is
 * swapped in by a single reference assignment, so readers see the old policy or the
 * new one, never a mix. An invalid or missing file keeps the old policy.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { PostureError } from '../../shared/errors.js';
import { loadPolicy } from './load.js';
import type { Policy } from './model.js';
import { MAX_POLICY_BYTES, type PolicyError } from './safe-yaml.js';

/** Listeners and tuning for `createPolicySource`. */
export interface PolicySourceOptions {
  /** A new, valid policy is active. */
  onChange?: (policy: Policy, previous: Policy) => void;
  /** A change could not be applied; the previous policy stays active. */
  onError?: (errors: PolicyError[]) => void;
  /** Quiet time after the last file event before re-reading (default 100 ms). */
  debounceMs?: number;
}

/** A hot-reloaded policy: `current()` is always a complete, validated policy. */
export interface PolicySource {
  /** The active policy (frozen). */
  current(): Policy;
  /** Re-reads the file now; resolves true when a new policy became active. */
  reload(): Promise<boolean>;
  /** Stops watching. Idempotent. */
  close(): void;
}

/** The first load failed: `errors` says why. Code `INPUT_INVALID`. */
export class PolicyLoadError extends PostureError {
  readonly errors: PolicyError[];
  constructor(path: string, errors: PolicyError[]) {
    const first = errors[0];
    super('INPUT_INVALID', `The policy ${path} is invalid: ${first ? `${first.path || '/'}: ${first.message}` : 'unknown error'}`);
    this.name = 'PolicyLoadError';
    this.errors = errors;
  }
}

/** Reads at most 1 MiB + 1 byte (so "too large" is detectable) as strict UTF-8. */
async function readPolicyText(path: string): Promise<{ ok: true; text: string } | { ok: false; errors: PolicyError[] }> {
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(MAX_POLICY_BYTES + 1);
      let total = 0;
      while (total < buf.length) {
        const { bytesRead } = await fh.read(buf, total, buf.length - total, total);
        if (bytesRead === 0) break;
        total += bytesRead;
      }
      if (total > MAX_POLICY_BYTES) return { ok: false, errors: [{ path: '', message: `${path} is larger than 1 MiB.` }] };
      return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, total)) };
    } finally {
      await fh.close();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : e instanceof TypeError ? 'is not UTF-8 text' : `cannot be read (${code ?? 'error'})`;
    return { ok: false, errors: [{ path: '', message: `${path} ${why}.` }] };
  }
}

async function readAndLoad(path: string): Promise<{ ok: true; policy: Policy } | { ok: false; errors: PolicyError[]; text?: string }> {
  const read = await readPolicyText(path);
  if (!read.ok) return read;
  const loaded = loadPolicy(read.text, path);
  return loaded.ok ? loaded : { ...loaded, text: read.text };
}

/**
 * Loads the policy at `path` and keeps it current. Rejects with `PolicyLoadError`
 * when the file is missing or invalid at start-up (a service must not start without
 * a policy). Afterwards errors go to `onError` and never replace the active policy.
 * Callbacks that throw are ignored.
 */
export async function createPolicySource(path: string, options: PolicySourceOptions = {}): Promise<PolicySource> {
  const first = await readAndLoad(path);
  if (!first.ok) throw new PolicyLoadError(path, first.errors);
  let active: Policy = first.policy;
  let lastFailedText: string | undefined;
  let generation = 0;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const debounceMs = options.debounceMs ?? 100;

  const report = (errors: PolicyError[]): void => {
    try {
      options.onError?.(errors);
    } catch {
      // A faulty listener must not stop reloading.
    }
  };

  const reload = async (): Promise<boolean> => {
    const gen = ++generation;
    const result = await readAndLoad(path);
    // A newer reload started meanwhile: its result, not this one, decides.
    if (closed || gen !== generation) return false;
    if (!result.ok) {
      if (result.text === undefined || result.text !== lastFailedText) report(result.errors);
      lastFailedText = result.text;
      return false;
    }
    lastFailedText = undefined;
    if (result.policy.revision === active.revision) return false;
    const previous = active;
    active = result.policy;
    try {
      options.onChange?.(active, previous);
    } catch {
      // As above.
    }
    return true;
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), { persistent: false }, () => {
      if (closed) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void reload(), debounceMs);
    });
    watcher.on('error', (e) => report([{ path: '', message: `Watching ${dirname(path)} failed: ${e.message}` }]));
  } catch (e) {
    report([{ path: '', message: `Cannot watch ${dirname(path)} for changes to ${basename(path)}: ${(e as Error).message}` }]);
  }

  return {
    current: () => active,
    reload,
    close(): void {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher?.close();
    },
  };
}
