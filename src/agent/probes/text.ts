/** Small helpers collectors use to read a probe's output safely. */
import type { Gap, UnknownReason } from '../../shared/check-ids.js';
import type { ProbeError } from '../../shared/bundle.js';
import { decodeText, looksBinary } from '../exec/decode.js';
import type { ProbeOutput } from './types.js';

/** The probe's stdout as text (BOM/UTF-16/code page aware, `\n` line ends). */
export function stdoutText(out: ProbeOutput): string {
  return decodeText(out.stdout, out.encoding);
}

/** The probe's stderr as text. */
export function stderrText(out: ProbeOutput): string {
  return decodeText(out.stderr, out.encoding);
}

const ERROR_REASONS: Readonly<Record<ProbeError, UnknownReason>> = {
  timeout: 'timeout',
  'not-installed': 'not-installed',
  'not-found': 'not-installed',
  permission: 'permission',
  'output-too-large': 'output-too-large',
  'spawn-failed': 'probe-failed',
  'io-error': 'probe-failed',
  'not-collected': 'not-collected',
};

/** The unknown reason a probe error maps to. */
export function reasonForProbeError(error: ProbeError): UnknownReason {
  return ERROR_REASONS[error];
}

/**
 * A gap describing why `out` could not give `fact`: its error, a permission message in
 * its output, a non-zero exit, or binary/empty output. Returns undefined when the probe
 * looks usable (exit 0, text output).
 */
export function probeGap(out: ProbeOutput, fact: string, opts: { allowNonZeroExit?: boolean; allowEmpty?: boolean } = {}): Gap | undefined {
  if (out.error) {
    return { fact, reason: reasonForProbeError(out.error), probe: out.key, ...(out.errorDetail ? { detail: out.errorDetail.slice(0, 500) } : {}) };
  }
  const text = stdoutText(out);
  const err = stderrText(out);
  if (/permission denied|operation not permitted|must be (run as )?root|access is denied|requires (root|superuser|administrator)/i.test(err + '\n' + text.slice(0, 2000)) && (out.exitCode ?? 0) !== 0) {
    return { fact, reason: 'permission', probe: out.key, detail: firstLine(err || text) };
  }
  if (!opts.allowNonZeroExit && out.exitCode !== null && out.exitCode !== 0) {
    return { fact, reason: 'probe-failed', probe: out.key, detail: `exit ${out.exitCode}${err ? `: ${firstLine(err)}` : ''}` };
  }
  if (looksBinary(text)) {
    return { fact, reason: 'parse-error', probe: out.key, detail: 'output is not text' };
  }
  if (!opts.allowEmpty && text.trim() === '') {
    return { fact, reason: 'parse-error', probe: out.key, detail: 'empty output' };
  }
  return undefined;
}

function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim() !== '') ?? '').trim().slice(0, 300);
}
