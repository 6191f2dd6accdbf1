/** PowerShell `Format-List` text, the default display of CIM objects with many properties. */

/**
 * Splits `Format-List` output into records (blank-line separated) of property → value.
 * Property names are not localised; values wrapped onto indented continuation lines
 * are joined with a space. Keys are kept as printed (case preserved).
 *
 * ```
 * displayName              : Windows Defender
 * productState             : 397568
 * PSComputerName           :
 * ```
 */
export function parseFormatList(text: string): Map<string, string>[] {
  const records: Map<string, string>[] = [];
  let cur: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') {
      if (cur && cur.size > 0) records.push(cur);
      cur = undefined;
      lastKey = undefined;
      continue;
    }
    if (raw.length > 4000) continue;
    const m = /^([A-Za-z_][\w.-]*)\s*:(?: (.*))?$/.exec(raw.trimEnd());
    if (m?.[1]) {
      cur ??= new Map();
      if (!cur.has(m[1])) cur.set(m[1], (m[2] ?? '').trim());
      lastKey = m[1];
      continue;
    }
    if (cur && lastKey && /^\s+\S/.test(raw)) cur.set(lastKey, `${cur.get(lastKey) ?? ''} ${raw.trim()}`.trim());
  }
  if (cur && cur.size > 0) records.push(cur);
  return records;
}

/** `True`/`False` as PowerShell prints booleans (never localised). */
export function psBool(v: string | undefined): boolean | undefined {
  if (v === 'True') return true;
  if (v === 'False') return false;
  return undefined;
}
