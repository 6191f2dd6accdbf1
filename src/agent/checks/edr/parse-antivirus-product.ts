/** Windows Security Center (`root/SecurityCenter2` `AntiVirusProduct`) listings. */

export interface AntivirusProductEntry {
  displayName: string;
  productState?: number;
  /** Decoded from productState; absent when the bits are not a documented value. */
  enabled?: boolean;
  definitionsUpToDate?: boolean;
}

export type ParsedAntivirusProducts = { ok: true; products: AntivirusProductEntry[] } | { ok: false; error: string };

/**
 * Decodes `productState` (three bytes, e.g. 397568 = 0x06_11_00): the middle byte is the
 * scanner state (0x10/0x11 on, 0x00/0x01 off) and the low byte the signature state
 * (0x00 up to date, 0x10 out of date). Undocumented values decode to nothing.
 */
export function decodeProductState(state: number): Pick<AntivirusProductEntry, 'enabled' | 'definitionsUpToDate'> {
  const out: Pick<AntivirusProductEntry, 'enabled' | 'definitionsUpToDate'> = {};
  if (!Number.isInteger(state) || state < 0 || state > 0xffffff) return out;
  const scanner = (state >> 8) & 0xff;
  const signatures = state & 0xff;
  if (scanner === 0x10 || scanner === 0x11) out.enabled = true;
  else if (scanner === 0x00 || scanner === 0x01) out.enabled = false;
  if (signatures === 0x00) out.definitionsUpToDate = true;
  else if (signatures === 0x10) out.definitionsUpToDate = false;
  return out;
}

function entry(displayName: string, stateText: string | undefined): AntivirusProductEntry {
  const e: AntivirusProductEntry = { displayName: displayName.slice(0, 128) };
  if (stateText !== undefined && /^\d{1,9}$/.test(stateText)) {
    e.productState = Number(stateText);
    Object.assign(e, decodeProductState(e.productState));
  }
  return e;
}

/**
 * Parses `Get-CimInstance -Namespace root/SecurityCenter2 -ClassName AntiVirusProduct`
 * (list display, one block per product). Empty output means no product is registered.
 *
 * ```
 * displayName              : Windows Defender
 * instanceGuid             : {D68DDC3A-831F-4fae-9E44-DA132C1ACF46}
 * productState             : 397568
 * ```
 */
export function parseAntivirusProductList(text: string): ParsedAntivirusProducts {
  if (text.trim() === '') return { ok: true, products: [] };
  const products: AntivirusProductEntry[] = [];
  let block: { name?: string; state?: string } | undefined;
  const flush = (): void => {
    if (block?.name) products.push(entry(block.name, block.state));
    block = undefined;
  };
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') {
      flush();
      continue;
    }
    if (raw.length > 4000) continue;
    const m = /^(displayName|productState)\s*:(?: (.*))?$/i.exec(raw.trimEnd());
    if (!m?.[1]) continue;
    block ??= {};
    const value = (m[2] ?? '').trim();
    if (/^displayName$/i.test(m[1])) {
      if (block.name !== undefined) flush();
      (block ??= {}).name = value;
    } else block.state = value;
  }
  flush();
  if (products.length === 0) return { ok: false, error: 'unrecognised output (no displayName)' };
  return { ok: true, products: products.slice(0, 16) };
}

/**
 * Parses `wmic /namespace:\\root\SecurityCenter2 path AntiVirusProduct get displayName
 * /format:list`: `displayName=<name>` lines (often after blank lines, often UTF-16).
 *
 * ```
 *
 * displayName=Windows Defender
 * ```
 */
export function parseWmicAntivirusDisplayNames(text: string): ParsedAntivirusProducts {
  if (text.trim() === '') return { ok: true, products: [] };
  const products: AntivirusProductEntry[] = [];
  for (const raw of text.split('\n')) {
    const m = /^displayName=(.*)$/i.exec(raw.trim());
    if (m?.[1] && products.length < 16) products.push({ displayName: m[1].trim().slice(0, 128) });
  }
  if (products.length === 0) return { ok: false, error: 'unrecognised output (no displayName=)' };
  return { ok: true, products };
}
