/** Conversion between in-memory probe outputs and the bundle's JSON records. */
import type { ProbeRecord } from '../../shared/bundle.js';
import type { TextEncodingHint } from '../exec/decode.js';
import type { ProbeOutput } from './types.js';

function encodeBytes(buf: Buffer): { text?: string; base64?: string } {
  if (buf.length === 0) return { text: '' };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    // eslint-disable-next-line no-control-regex
    if (!/[\u0000]/.test(text)) return { text };
  } catch {
    // not UTF-8: keep the raw bytes
  }
  return { base64: buf.toString('base64') };
}

/** Raw bytes of a record's stdout or stderr. */
export function recordBytes(text: string | undefined, base64: string | undefined): Buffer {
  if (base64 !== undefined) return Buffer.from(base64, 'base64');
  return Buffer.from(text ?? '', 'utf8');
}

/** Builds the bundle record of a probe output. */
export function toRecord(
  out: ProbeOutput,
  meta: Pick<ProbeRecord, 'kind' | 'startedAt'> & Partial<Pick<ProbeRecord, 'command' | 'args' | 'path' | 'signal' | 'cachedFrom'>>,
): ProbeRecord {
  const stdout = encodeBytes(out.stdout);
  const stderr = encodeBytes(out.stderr);
  const rec: ProbeRecord = {
    key: out.key,
    probe: out.probe,
    kind: meta.kind,
    startedAt: meta.startedAt,
    durationMs: Math.round(out.durationMs * 10) / 10,
    exitCode: out.exitCode,
  };
  if (meta.command !== undefined) rec.command = meta.command;
  if (meta.args !== undefined) rec.args = [...meta.args];
  if (meta.path !== undefined) rec.path = meta.path;
  if (meta.signal !== undefined) rec.signal = meta.signal;
  if (meta.cachedFrom !== undefined) rec.cachedFrom = meta.cachedFrom;
  if (stdout.text !== undefined) rec.stdout = stdout.text;
  if (stdout.base64 !== undefined) rec.stdoutBase64 = stdout.base64;
  if (out.stderr.length > 0) {
    if (stderr.text !== undefined) rec.stderr = stderr.text;
    if (stderr.base64 !== undefined) rec.stderrBase64 = stderr.base64;
  }
  if (out.encoding) rec.encoding = out.encoding;
  if (out.error) rec.error = out.error;
  if (out.errorDetail) rec.errorDetail = out.errorDetail;
  return rec;
}

/** Rebuilds a probe output from a bundle record. */
export function fromRecord(rec: ProbeRecord): ProbeOutput {
  const out: ProbeOutput = {
    key: rec.key,
    probe: rec.probe,
    stdout: recordBytes(rec.stdout, rec.stdoutBase64),
    stderr: recordBytes(rec.stderr, rec.stderrBase64),
    exitCode: rec.exitCode ?? null,
    durationMs: rec.durationMs,
  };
  if (rec.error) out.error = rec.error;
  if (rec.errorDetail) out.errorDetail = rec.errorDetail;
  if (rec.encoding) out.encoding = rec.encoding as TextEncodingHint;
  return out;
}
