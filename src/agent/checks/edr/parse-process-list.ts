/** Parsers for process lists: `ps -o comm=` (Linux, macOS) and `tasklist /fo csv /nh` (Windows). */

export type ParsedProcessList = { ok: true; names: string[] } | { ok: false; error: string };

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/;

/**
 * Parses `ps -e -o comm=` (Linux: executable name cut to 15 characters) or
 * `ps -axo comm=` (macOS: full executable path), one process per line, no header:
 *
 * ```
 * systemd
 * kworker/0:0H-events_highpri
 * /Library/Application Support/PaloAltoNetworks/Traps/bin/pmd
 * ```
 *
 * Returns the distinct names in order. ps's own complaints (`error: unsupported option`,
 * busybox `ps: invalid option`) and control characters mean unrecognised output.
 */
export function parsePsComm(text: string): ParsedProcessList {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return { ok: false, error: 'empty output' };
  const complaint = lines.find((l) => /^(ps: |error: |usage: )/i.test(l));
  if (complaint) return { ok: false, error: `ps reported: ${complaint.slice(0, 200)}` };
  if (lines.some((l) => CONTROL_CHARS.test(l))) return { ok: false, error: 'unrecognised output (control characters)' };
  return { ok: true, names: [...new Set(lines)] };
}

/**
 * Parses `tasklist /fo csv /nh`: one quoted CSV row per process, image name first. The
 * other columns (session, memory) are localised and ignored.
 *
 * ```
 * "System Idle Process","0","Services","0","8 K"
 * "MsMpEng.exe","3456","Services","0","215.332 K"
 * ```
 *
 * Rows must be the majority of non-empty lines, else the output is not recognised (e.g.
 * `ERROR: Access denied` or `INFO: No tasks are running…` in any language).
 */
export function parseTasklistCsv(text: string): ParsedProcessList {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return { ok: false, error: 'empty output' };
  const names: string[] = [];
  let rows = 0;
  for (const line of lines) {
    const m = /^"([^"]+)",/.exec(line);
    if (!m?.[1] || CONTROL_CHARS.test(m[1])) continue;
    rows += 1;
    names.push(m[1]);
  }
  if (rows === 0 || rows * 2 < lines.length) {
    return { ok: false, error: `unrecognised output: ${(lines[0] ?? '').slice(0, 200)}` };
  }
  return { ok: true, names: [...new Set(names)] };
}
