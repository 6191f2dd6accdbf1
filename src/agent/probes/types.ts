/**
 * What a collector sees of a probe. Collectors never start processes or read files
 * themselves: they ask a `ProbeRunner`, which runs the probe live (recording it for
 * `diagnose`) or answers from a replayed bundle.
 */
import type { ProbeError } from '../../shared/bundle.js';
import type { TextEncodingHint } from '../exec/decode.js';

export interface ProbeOutput {
  /** Probe id plus `#instance` when parameterised. */
  key: string;
  probe: string;
  stdout: Buffer;
  stderr: Buffer;
  /** `null` when the process did not exit normally or for file/dir probes. */
  exitCode: number | null;
  error?: ProbeError;
  errorDetail?: string;
  encoding?: TextEncodingHint;
  durationMs: number;
}

export interface ExecProbeOptions {
  /** Distinguishes several runs of one probe id (e.g. one per device). */
  instance?: string;
  timeoutMs?: number;
  maxBytes?: number;
  /** Expected output encoding when not UTF-8 (e.g. a Windows OEM code page). */
  encoding?: TextEncodingHint;
  /**
   * Reuse the last successful output while these files keep their size and mtime
   * (e.g. apt's lists and dpkg status for `apt list --upgradable`). Live runs only.
   */
  cacheWhileUnchanged?: readonly string[];
}

export interface FileProbeOptions {
  instance?: string;
  maxBytes?: number;
  encoding?: TextEncodingHint;
}

export interface ProbeRunner {
  /** Runs an allow-listed command. Never throws for the command's own failures. */
  exec(probe: string, command: string, args?: readonly string[], opts?: ExecProbeOptions): Promise<ProbeOutput>;
  /** Reads a file (`error: 'not-found'` when absent). */
  readFile(probe: string, path: string, opts?: FileProbeOptions): Promise<ProbeOutput>;
  /** Lists a directory's entry names, one per line (`error: 'not-found'` when absent). */
  listDir(probe: string, path: string, opts?: { instance?: string }): Promise<ProbeOutput>;
}

/** Key of a probe run: `probe` or `probe#instance`. */
export function probeKey(probe: string, instance?: string): string {
  return instance ? `${probe}#${instance}` : probe;
}

/** The output of a probe that was deliberately not run (or has no record), with why. */
export function notCollected(probe: string, instance: string | undefined, why: string): ProbeOutput {
  return { key: probeKey(probe, instance), probe, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: null, durationMs: 0, error: 'not-collected', errorDetail: why };
}
