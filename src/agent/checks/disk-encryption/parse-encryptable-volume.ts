/**
 * Parsers for `Win32_EncryptableVolume` as numbers: the agent's own PowerShell CIM query
 * (JSON) and `wmic … path Win32_EncryptableVolume get /format:list`. Numbers do not depend on
 * the display language, which is why the Windows collector asks for them first. Pure: no I/O.
 */
import {
  CONVERSION_STATUS,
  ENCRYPTION_METHOD,
  KEY_PROTECTOR_TYPE,
  PROTECTION_STATUS,
  VOLUME_TYPE,
  codeNumber,
  type BitLockerVolumeReading,
} from './bitlocker-codes.js';
import { ACCESS_DENIED, type ParsedBitLockerVolumes } from './parse-manage-bde-status.js';
import { isBinary, lines, parsePercent, unrecognised } from './parse-util.js';

// HRESULTs of "access denied": E_ACCESSDENIED and WBEM_E_ACCESS_DENIED.
const ACCESS_DENIED_HRESULTS = new Set([-2147024891, -2147217405]);
const MAX_VOLUMES = 256;

/**
 * Parses the JSON the Windows collector's fixed CIM script prints: an array with one object
 * per volume, or `{"error": "<ErrorCategory>", "hresult": <int>}` when the query failed:
 * ```
 * [{"DriveLetter":"C:","DeviceID":"\\\\?\\Volume{…}\\","VolumeType":0,"ConversionStatus":1,
 *   "EncryptionPercentage":100,"ProtectionStatus":1,"EncryptionMethod":6,"LockStatus":0,
 *   "KeyProtectorTypes":[1,3]}]
 * ```
 * `PermissionDenied` (not an administrator) gives `error: 'access denied'`. Lines before the
 * JSON (PowerShell `WARNING:` text) are skipped. Never throws.
 */
export function parseBitLockerCimJson(text: string): ParsedBitLockerVolumes {
  if (isBinary(text)) return unrecognised('output is not text');
  const ls = lines(text);
  const start = ls.findIndex((l) => /^\s*[[{]/.test(l));
  if (start < 0) return unrecognised(text.trim() === '' ? 'empty output' : 'no JSON in the output');
  let doc: unknown;
  try {
    doc = JSON.parse(ls.slice(start).join('\n'));
  } catch {
    return unrecognised('output is not JSON');
  }
  if (isObject(doc) && 'error' in doc) {
    const hr = typeof doc.hresult === 'number' ? doc.hresult : undefined;
    if (doc.error === 'PermissionDenied' || (hr !== undefined && ACCESS_DENIED_HRESULTS.has(hr))) return unrecognised(ACCESS_DENIED);
    return unrecognised(`CIM query failed: ${String(doc.error).slice(0, 64)}${hr !== undefined ? ` (HRESULT ${hr})` : ''}`);
  }
  const items = Array.isArray(doc) ? doc : [doc];
  if (items.length > MAX_VOLUMES) return unrecognised('too many volumes');
  const volumes: BitLockerVolumeReading[] = [];
  for (const it of items) {
    if (!isObject(it)) return unrecognised('a volume is not an object');
    const r = numbersToReading(it);
    const pct = typeof it.EncryptionPercentage === 'number' ? parsePercent(String(it.EncryptionPercentage)) : undefined;
    if (pct !== undefined) r.percentEncrypted = pct;
    if (codeNumber(it.LockStatus) === 1) r.state = 'locked';
    const types = Array.isArray(it.KeyProtectorTypes) ? it.KeyProtectorTypes : it.KeyProtectorTypes == null ? [] : [it.KeyProtectorTypes];
    if ('KeyProtectorTypes' in it) {
      const names = types.map((t) => KEY_PROTECTOR_TYPE[codeNumber(t) ?? -1]).filter((n): n is string => !!n);
      r.protectors = [...new Set(names)].slice(0, 16);
    }
    volumes.push(r);
  }
  return { ok: true, volumes };
}

/**
 * Parses `wmic /namespace:\\root\cimv2\security\microsoftvolumeencryption path
 * Win32_EncryptableVolume get /format:list` (UTF-16LE when redirected; decode first):
 * ```
 * ConversionStatus=1
 * DriveLetter=C:
 * EncryptionMethod=4
 * ProtectionStatus=1
 * VolumeType=0
 * ```
 * One block of `Name=value` lines per volume, blocks separated by blank lines. wmic's
 * `Description = Access denied` error gives `error: 'access denied'`. Never throws.
 */
export function parseWmicEncryptableVolume(text: string): ParsedBitLockerVolumes {
  if (isBinary(text)) return unrecognised('output is not text');
  if (/^\s*ERROR:/m.test(text)) {
    return /Access denied/i.test(text) ? unrecognised(ACCESS_DENIED) : unrecognised(`wmic error: ${text.trim().replace(/\s+/g, ' ').slice(0, 200)}`);
  }
  const blocks: Record<string, string>[] = [];
  let cur: Record<string, string> | undefined;
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '') {
      cur = undefined;
      continue;
    }
    const kv = /^([A-Za-z]\w{0,63})=(.*)$/.exec(line);
    if (!kv) return unrecognised(`not a Name=value line: ${line.slice(0, 80)}`);
    if (!cur) {
      if (blocks.length >= MAX_VOLUMES) return unrecognised('too many volumes');
      blocks.push((cur = {}));
    }
    cur[kv[1] as string] = (kv[2] as string).trim();
  }
  const vols = blocks.filter((b) => 'ConversionStatus' in b || 'ProtectionStatus' in b);
  if (vols.length === 0) return unrecognised('no ConversionStatus or ProtectionStatus');
  return { ok: true, volumes: vols.map((b) => numbersToReading(b)) };
}

function numbersToReading(o: Record<string, unknown>): BitLockerVolumeReading {
  const r: BitLockerVolumeReading = {};
  const letter = typeof o.DriveLetter === 'string' ? o.DriveLetter.trim() : '';
  if (/^[A-Za-z]:$/.test(letter)) r.mount = letter.toUpperCase();
  const dev = typeof o.DeviceID === 'string' ? o.DeviceID.trim() : '';
  if (/^\\\\\?\\Volume\{[0-9A-Fa-f-]{36}\}\\$/.test(dev)) r.device = dev;
  const vt = VOLUME_TYPE[codeNumber(o.VolumeType) ?? -1];
  if (vt) r.volumeType = vt;
  const st = CONVERSION_STATUS[codeNumber(o.ConversionStatus) ?? -1];
  if (st) r.state = st;
  const method = ENCRYPTION_METHOD[codeNumber(o.EncryptionMethod) ?? -1];
  if (method) r.method = method;
  const prot = PROTECTION_STATUS[codeNumber(o.ProtectionStatus) ?? -1];
  if (prot !== undefined) r.protectionOn = prot;
  return r;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
