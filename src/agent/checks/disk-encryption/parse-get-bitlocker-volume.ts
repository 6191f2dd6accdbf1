/**
 * Parser for PowerShell `Get-BitLockerVolume` text output, list (`| Format-List`) and table
 * (default) forms. Its values are enum names (`FullyEncrypted`, `XtsAes128`, `Tpm`), which
 * PowerShell does not translate, so this reads any display language. Pure: no I/O.
 */
import type { BitLockerVolumeReading } from './bitlocker-codes.js';
import { ENCRYPTION_METHOD_NAME, VOLUME_STATUS_NAME } from './bitlocker-codes.js';
import { ACCESS_DENIED, type ParsedBitLockerVolumes } from './parse-manage-bde-status.js';
import { asciiKey, isBinary, lines, parsePercent, unrecognised } from './parse-util.js';

type Fields = Record<string, string>;

/**
 * Parses either form:
 * ```
 * MountPoint           : C:
 * EncryptionMethod     : XtsAes128
 * VolumeStatus         : FullyEncrypted
 * ProtectionStatus     : On
 * EncryptionPercentage : 100
 * VolumeType           : OperatingSystem
 * KeyProtector         : {Tpm, RecoveryPassword}
 * ```
 * ```
 * VolumeType      Mount CapacityGB VolumeStatus           Encryption KeyProtector              AutoUnlock Protection
 *                 Point                                   Percentage                           Enabled    Status
 * ----------      ----- ---------- ------------           ---------- ------------              ---------- ----------
 * Data            D:        931.51 EncryptionInProgress   1          {RecoveryPassword, Pas...            Off
 * ```
 * Cells PowerShell cut short (`...`, `…`) are not read; a cut protector list sets
 * `protectorsTruncated`. Unrecognised without a MountPoint/VolumeStatus; the non-admin error
 * (HRESULT 0x80070005, which PowerShell prints in every language) gives `error: 'access denied'`.
 * Never throws.
 */
export function parseGetBitLockerVolume(text: string): ParsedBitLockerVolumes {
  if (isBinary(text)) return unrecognised('output is not text');
  // A terminating error instead of output: `Get-BitLockerVolume : Access is denied. (… 0x80070005 …)`.
  const err = /^Get-BitLockerVolume\s*:\s*(.*)$/m.exec(text);
  if (err) return /0x80070005|0x80041003|E_ACCESSDENIED|PermissionDenied/i.test(text) ? unrecognised(ACCESS_DENIED) : unrecognised(`Get-BitLockerVolume error: ${(err[1] ?? '').slice(0, 200)}`);
  const ls = lines(text);
  const dashIdx = ls.findIndex((l) => /^-{2,}(\s+-{2,})*\s*$/.test(l));
  const records = dashIdx >= 0 ? tableRecords(ls, dashIdx) : listRecords(ls);
  if (typeof records === 'string') return unrecognised(records);
  const volumes = records.filter((r) => 'mountpoint' in r || 'volumestatus' in r).map(toReading);
  if (volumes.length === 0) return unrecognised('no MountPoint or VolumeStatus field');
  return { ok: true, volumes };
}

function listRecords(ls: readonly string[]): Fields[] | string {
  const records: Fields[] = [];
  let cur: Fields | undefined;
  let last: string | undefined;
  for (const raw of ls) {
    if (raw.trim() === '') {
      cur = undefined;
      last = undefined;
      continue;
    }
    const kv = /^(\w{1,64})\s*:(?:\s(.*))?$/.exec(raw.trimEnd());
    if (kv) {
      if (!cur) records.push((cur = {}));
      last = asciiKey(kv[1] as string);
      cur[last] = (kv[2] ?? '').trim();
    } else if (cur && last && /^\s/.test(raw)) {
      cur[last] = `${cur[last] ?? ''} ${raw.trim()}`.trim(); // Format-List wraps long values
    } else {
      return `not a "Name : value" line: ${raw.slice(0, 80)}`;
    }
  }
  return records;
}

function tableRecords(ls: readonly string[], dashIdx: number): Fields[] | string {
  const dashes = ls[dashIdx] as string;
  const starts: number[] = [];
  for (const m of dashes.matchAll(/-+/g)) starts.push(m.index ?? 0);
  const headerLines = ls.slice(0, dashIdx).filter((l) => l.trim() !== '').slice(-2);
  if (headerLines.length === 0) return 'table without a header';
  const cell = (line: string, i: number): string => line.slice(starts[i], starts[i + 1] ?? line.length).trim();
  const names = starts.map((_, i) => asciiKey(headerLines.map((h) => cell(h, i)).join('')));
  const records: Fields[] = [];
  for (const row of ls.slice(dashIdx + 1)) {
    if (row.trim() === '') continue;
    const rec: Fields = {};
    names.forEach((n, i) => {
      if (n) rec[n] = cell(row, i);
    });
    records.push(rec);
  }
  return records;
}

const cut = (v: string): boolean => /(\.\.\.|…)$/.test(v);

function toReading(f: Fields): BitLockerVolumeReading {
  const r: BitLockerVolumeReading = {};
  const mount = f.mountpoint ?? '';
  if (/^[A-Za-z]:\\?$/.test(mount)) r.mount = mount.slice(0, 2).toUpperCase();
  else if (/^\\\\\?\\Volume\{[0-9A-Fa-f-]{36}\}\\$/.test(mount)) r.device = mount;
  const vt = asciiKey(f.volumetype ?? '');
  if (vt === 'operatingsystem') r.volumeType = 'os';
  else if (vt === 'data') r.volumeType = 'data';
  const status = f.volumestatus ?? '';
  const state = cut(status) ? undefined : VOLUME_STATUS_NAME[asciiKey(status)];
  if (state) r.state = state;
  if (asciiKey(f.lockstatus ?? '') === 'locked') r.state = 'locked';
  const pct = parsePercent(f.encryptionpercentage ?? '');
  if (pct !== undefined) r.percentEncrypted = pct;
  const method = ENCRYPTION_METHOD_NAME[asciiKey(f.encryptionmethod ?? '')];
  if (method) r.method = method;
  const prot = asciiKey(f.protectionstatus ?? '');
  if (prot === 'on') r.protectionOn = true;
  else if (prot === 'off') r.protectionOn = false;
  const kp = f.keyprotector;
  if (kp !== undefined && /^\{/.test(kp)) {
    const items = kp.replace(/^\{/, '').replace(/\}$/, '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    const whole = items.filter((s) => !cut(s) && /^[A-Za-z]{1,64}$/.test(s));
    r.protectors = whole.slice(0, 16);
    if (whole.length !== items.length || (!kp.endsWith('}') && items.length > 0)) r.protectorsTruncated = true;
  }
  return r;
}
