/**
 * The one process-list probe per collection, shared by every check that needs to know
 * what runs (the live runner runs a probe key once, so all callers must use these exact
 * ids and arguments: import this module rather than calling `ps` yourself).
 */
import type { Gap, Platform } from '../../../shared/check-ids.js';
import { probeGap, stdoutText } from '../../probes/text.js';
import type { ProbeRunner } from '../../probes/types.js';
import type { ProbeDoc } from '../types.js';
import { parsePsComm, parseTasklistCsv, type ParsedProcessList } from './parse-process-list.js';

interface ProcessListProbe {
  id: string;
  command: string;
  args: readonly string[];
  parse: (text: string) => ParsedProcessList;
}

const PROBES: Readonly<Record<Platform, ProcessListProbe>> = {
  linux: { id: 'linux.ps', command: 'ps', args: ['-e', '-o', 'comm='], parse: parsePsComm },
  darwin: { id: 'darwin.ps', command: 'ps', args: ['-axo', 'comm='], parse: parsePsComm },
  win32: { id: 'win32.tasklist', command: 'tasklist', args: ['/fo', 'csv', '/nh'], parse: parseTasklistCsv },
};

/** ProbeDocs of the process-list probes, for check definitions. */
export const PROCESS_LIST_PROBE_DOCS: readonly ProbeDoc[] = [
  { id: 'linux.ps', platform: 'linux', runs: '`ps -e -o comm=`', gives: 'names of running processes (cut to 15 characters)' },
  { id: 'darwin.ps', platform: 'darwin', runs: '`/bin/ps -axo comm=`', gives: 'full paths of running executables' },
  { id: 'win32.tasklist', platform: 'win32', runs: '`tasklist /fo csv /nh`', gives: 'image names of running processes' },
];

/** The process list, or why it could not be read (gap fact `processes`). */
export interface ProcessList {
  names?: string[];
  gap?: Gap;
  /** Probe key that answered. */
  key: string;
}

/** Runs (or reuses) this platform's process-list probe and parses it; never throws. */
export async function readProcessList(probes: ProbeRunner, platform: Platform): Promise<ProcessList> {
  const p = PROBES[platform];
  const out = await probes.exec(p.id, p.command, p.args, { timeoutMs: 5_000 });
  const gap = probeGap(out, 'processes');
  if (gap) return { gap, key: out.key };
  const parsed = p.parse(stdoutText(out));
  if (!parsed.ok) return { gap: { fact: 'processes', reason: 'parse-error', probe: out.key, detail: parsed.error }, key: out.key };
  return { names: parsed.names, key: out.key };
}
