/** Bitdefender Endpoint Security Tools (Linux) `bduitool get ps` and what it says. */
import { yesNo } from '../parse-common.js';
import type { ProductReading } from './assemble.js';

export type ParsedBduitool =
  | {
      ok: true;
      productVersion?: string;
      newProductUpdateAvailable?: boolean;
      newSecurityContentAvailable?: boolean;
      /** `Features:` list: feature → status, e.g. `{ Antimalware: 'On', NetworkMonitor: 'On' }`. */
      features: Record<string, string>;
    }
  | { ok: false; error: string };

/**
 * Parses `bduitool get ps` (protection status):
 *
 * ```
 * Product version: 7.0.3.2239
 * New product update available: no
 * New security content available: no
 * Features:
 *   - Antimalware status: On
 *   - NetworkMonitor status: On
 * ```
 */
export function parseBduitoolGetPs(text: string): ParsedBduitool {
  const map = new Map<string, string>();
  const features: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    if (raw.length > 1000) continue;
    const feature = /^\s*-\s*([A-Za-z][\w ]*?) status:\s*(\S.*)$/.exec(raw);
    if (feature?.[1] && feature[2] && Object.keys(features).length < 32) {
      const name = feature[1].trim();
      if (name !== '__proto__' && name !== 'constructor' && name !== 'prototype') features[name] = feature[2].trim().slice(0, 64);
      continue;
    }
    const kv = /^([A-Za-z][^:]*):\s*(.*)$/.exec(raw.trim());
    if (kv?.[1] && kv[2] !== undefined && !map.has(kv[1].toLowerCase())) map.set(kv[1].toLowerCase(), kv[2].trim());
  }
  const result: Extract<ParsedBduitool, { ok: true }> = { ok: true, features };
  const version = map.get('product version');
  if (version && /^\d+(\.\d+)+$/.test(version)) result.productVersion = version;
  const pu = yesNo(map.get('new product update available'));
  if (pu !== undefined) result.newProductUpdateAvailable = pu;
  const sc = yesNo(map.get('new security content available'));
  if (sc !== undefined) result.newSecurityContentAvailable = sc;
  if (result.productVersion === undefined && Object.keys(features).length === 0 && sc === undefined) {
    return { ok: false, error: 'unrecognised output' };
  }
  return result;
}

/**
 * The Antimalware feature is Bitdefender's on-access scanning (real-time protection);
 * "new security content available" means its signatures are behind. bduitool gives no
 * overall health verdict, so none is reported.
 */
export function bduitoolReading(p: Extract<ParsedBduitool, { ok: true }>): ProductReading {
  const r: ProductReading = { issues: [] };
  if (p.productVersion) r.version = p.productVersion;
  const am = p.features.Antimalware;
  if (am !== undefined) {
    if (/^on$/i.test(am)) r.realTimeProtection = true;
    else if (/^off$/i.test(am)) {
      r.realTimeProtection = false;
      r.issues?.push('antimalware (on-access scanning) is off');
    }
  }
  if (p.newSecurityContentAvailable !== undefined) r.definitionsUpToDate = !p.newSecurityContentAvailable;
  return r;
}
