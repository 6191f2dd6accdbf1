/** Parser for the agent's Windows Update offline search (a fixed PowerShell script's JSON). */
import { clip, isoDateTime, type Unrecognised } from './parse-util.js';

export interface WindowsPendingUpdate {
  title: string;
  kb: string[];
  /** MsrcSeverity is set, or the update is in the Security Updates category. */
  security: boolean;
  /** A Windows (not .NET, Office, Defender definitions, driver) quality or feature update. */
  os: boolean;
  restart: boolean;
}

export type ParsedWuPending =
  | { ok: true; resultCode: number; lastSearchAt?: string; updates: WindowsPendingUpdate[] }
  | Unrecognised;

/** Windows Update category ids (stable GUIDs; category names are localised). */
const CATEGORY = {
  security: '0fa1201d-4330-4fa8-8ae9-b877473b6441',
  upgrades: '3689bdc8-b205-4af4-8d4b-a63924c5e9d5',
  definitions: 'e0789628-ce08-4437-be74-2495b842f43b',
  drivers: 'ebfc1fc5-71a4-4f7b-9aca-3b9a503104a0',
} as const;

/**
 * Parses the JSON the agent's search script prints (`IUpdateSearcher.Search` with
 * `Online = $false`, i.e. against the last scan Windows itself made):
 * ```
 * {"ResultCode":2,"LastSearchSuccessDate":"2024-05-20T08:01:02Z","Updates":[
 *   {"Title":"2024-05 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5037771)",
 *    "KB":["5037771"],"MsrcSeverity":"Critical","Categories":["0fa1201d-…"],"RebootRequired":false}]}
 * ```
 * ResultCode 2 (succeeded) and 3 (succeeded with errors) are readings; 4 (failed) and 5
 * (aborted) are `{ ok: false }`. Never throws.
 */
export function parseWuPending(text: string): ParsedWuPending {
  let data: unknown;
  try {
    data = JSON.parse(text.trim());
  } catch {
    return { ok: false, error: 'invalid JSON' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, error: 'not a JSON object' };
  const o = data as Record<string, unknown>;
  const resultCode = typeof o.ResultCode === 'number' ? o.ResultCode : NaN;
  if (!Number.isInteger(resultCode)) return { ok: false, error: 'no ResultCode' };
  if (resultCode !== 2 && resultCode !== 3) return { ok: false, error: `Windows Update search did not succeed (result code ${resultCode})` };
  const raw = o.Updates === null || o.Updates === undefined ? [] : Array.isArray(o.Updates) ? o.Updates : [o.Updates];
  const updates: WindowsPendingUpdate[] = [];
  for (const item of raw) {
    if (typeof item !== 'object' || item === null) return { ok: false, error: 'an update entry is not an object' };
    const u = item as Record<string, unknown>;
    if (typeof u.Title !== 'string' || u.Title.trim() === '') return { ok: false, error: 'an update has no Title' };
    const title = clip(u.Title.trim(), 256);
    const kb = (Array.isArray(u.KB) ? u.KB : [u.KB]).filter((k): k is string | number => typeof k === 'string' || typeof k === 'number').map((k) => `KB${String(k).replace(/^KB/i, '')}`).slice(0, 8);
    const categories = (Array.isArray(u.Categories) ? u.Categories : [u.Categories]).filter((c): c is string => typeof c === 'string').map((c) => c.toLowerCase());
    const severity = typeof u.MsrcSeverity === 'string' ? u.MsrcSeverity.trim() : '';
    const security = severity !== '' || categories.includes(CATEGORY.security);
    const excluded = categories.includes(CATEGORY.definitions) || categories.includes(CATEGORY.drivers) || /\.NET|Defender|Malicious Software|Office|Visual Studio|Silverlight/i.test(title);
    const os = /\bWindows\b/i.test(title) && !excluded && (security || categories.includes(CATEGORY.upgrades));
    updates.push({ title, kb, security, os, restart: u.RebootRequired === true });
  }
  const last = typeof o.LastSearchSuccessDate === 'string' ? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(o.LastSearchSuccessDate) : null;
  const lastSearchAt = last ? isoDateTime(Number(last[1]), Number(last[2]), Number(last[3]), Number(last[4]), Number(last[5]), Number(last[6]), 'Z') : undefined;
  return { ok: true, resultCode, ...(lastSearchAt ? { lastSearchAt } : {}), updates };
}
