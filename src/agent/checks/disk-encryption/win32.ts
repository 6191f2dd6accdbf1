/**
 * Windows: BitLocker per volume. First the locale-independent CIM numbers of
 * `Win32_EncryptableVolume` through a fixed PowerShell script; when that is refused or
 * fails, `manage-bde -status` (English and German wording). Both need an administrator
 * (or SYSTEM, as the agent's service runs); a refusal is `unknown: permission`.
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { DiskEncryptionFacts, Volume } from '../../../shared/facts/disk-encryption.js';
import { probeGap, stderrText, stdoutText } from '../../probes/text.js';
import type { CollectContext, Observation } from '../types.js';
import type { BitLockerVolumeReading } from './bitlocker-codes.js';
import { parseBitLockerCimJson } from './parse-encryptable-volume.js';
import { ACCESS_DENIED, parseManageBdeStatus } from './parse-manage-bde-status.js';

const SYSTEM_FACT = 'systemVolumeEncrypted';
const MAX_VOLUMES = 64;

/**
 * The fixed CIM query (no interpolation; single quotes only, so Windows argument quoting
 * cannot change it). Prints one JSON array, or `{"error":<category>,"hresult":<int>}` and
 * exits 1. Percentages, lock state and protector kinds come from the class's methods.
 */
export const BITLOCKER_CIM_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  'try {',
  "$out = @(Get-CimInstance -Namespace 'root/cimv2/Security/MicrosoftVolumeEncryption' -ClassName Win32_EncryptableVolume | ForEach-Object {",
  '$v = $_;',
  '$conv = Invoke-CimMethod -InputObject $v -MethodName GetConversionStatus;',
  '$lock = Invoke-CimMethod -InputObject $v -MethodName GetLockStatus;',
  '$kp = Invoke-CimMethod -InputObject $v -MethodName GetKeyProtectors -Arguments @{ KeyProtectorType = [uint32]0 };',
  '$types = @(@($kp.VolumeKeyProtectorID) | Where-Object { $_ } | ForEach-Object { (Invoke-CimMethod -InputObject $v -MethodName GetKeyProtectorType -Arguments @{ VolumeKeyProtectorID = $_ }).KeyProtectorType });',
  '[ordered]@{ DriveLetter = $v.DriveLetter; DeviceID = $v.DeviceID; VolumeType = $v.VolumeType; ConversionStatus = $conv.ConversionStatus; EncryptionPercentage = $conv.EncryptionPercentage; ProtectionStatus = $v.ProtectionStatus; EncryptionMethod = $v.EncryptionMethod; LockStatus = $lock.LockStatus; KeyProtectorTypes = $types }',
  '});',
  'ConvertTo-Json -InputObject $out -Depth 3 -Compress',
  '} catch {',
  'ConvertTo-Json -Compress -InputObject ([ordered]@{ error = [string]$_.CategoryInfo.Category; hresult = $_.Exception.HResult });',
  'exit 1',
  '}',
].join('\n');

/** Collects disk-encryption facts on Windows. */
export async function collectWin32(ctx: CollectContext): Promise<Observation<DiskEncryptionFacts>> {
  const failures: Gap[] = [];

  const cim = await ctx.probes.exec('win32.bitlocker-cim', 'powershell', ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', BITLOCKER_CIM_SCRIPT], { timeoutMs: 15_000 });
  if (cim.error) {
    const g = probeGap(cim, SYSTEM_FACT);
    if (g) failures.push(g);
  } else {
    // The script reports its own failures as JSON with exit 1: parse before judging the exit code.
    const parsed = parseBitLockerCimJson(stdoutText(cim));
    if (parsed.ok) return toFacts(parsed.volumes, cim.key);
    failures.push(failureGap(parsed.error, cim.key, probeGap(cim, SYSTEM_FACT)));
  }

  const bde = await ctx.probes.exec('win32.manage-bde-status', 'manage-bde', ['-status'], { timeoutMs: 15_000 });
  if (bde.error) {
    const g = probeGap(bde, SYSTEM_FACT);
    if (g) failures.push(g);
  } else {
    const parsed = parseManageBdeStatus(`${stdoutText(bde)}\n${stderrText(bde)}`);
    if (parsed.ok) {
      const obs = toFacts(parsed.volumes, bde.key);
      return { ...obs, gaps: [...obs.gaps, ...failures.map((f) => ({ ...f, fact: 'volumes' }))] };
    }
    failures.push(failureGap(parsed.error, bde.key, probeGap(bde, SYSTEM_FACT)));
  }
  // The verdict names the first gap: a refusal explains everything, else the last source tried.
  const ordered = failures.reverse().sort((a, b) => Number(b.reason === 'permission') - Number(a.reason === 'permission'));
  return { gaps: ordered };
}

function failureGap(error: string, probe: string, exitGap: Gap | undefined): Gap {
  if (error === ACCESS_DENIED) {
    return { fact: SYSTEM_FACT, reason: 'permission', probe, detail: 'BitLocker status needs administrator rights; run the agent as its service (SYSTEM) or as an administrator' };
  }
  return exitGap && exitGap.reason !== 'parse-error' ? { ...exitGap, detail: `${exitGap.detail ?? ''}; ${error}`.slice(0, 500) } : { fact: SYSTEM_FACT, reason: 'parse-error', probe, detail: error };
}

function toFacts(readings: readonly BitLockerVolumeReading[], probe: string): Observation<DiskEncryptionFacts> {
  const gaps: Gap[] = [];
  const volumes: Volume[] = [];
  const osVolumes = readings.filter((r) => r.volumeType === 'os');
  for (const r of readings) {
    const label = r.mount ?? r.device ?? 'a volume';
    if (r.state === undefined) {
      gaps.push({ fact: r.volumeType === 'os' ? SYSTEM_FACT : 'volumes', reason: 'parse-error', probe, detail: `the encryption state of ${label} was not recognised` });
      continue;
    }
    const v: Volume = { system: r.volumeType === 'os', encrypted: r.state === 'on' || r.state === 'locked', state: r.state };
    if (r.mount) v.mount = r.mount;
    if (r.device) v.device = r.device;
    if (r.method) v.method = r.method;
    if (r.percentEncrypted !== undefined) v.percentEncrypted = r.percentEncrypted;
    if (r.protectionOn !== undefined) v.protectionOn = r.protectionOn;
    if (r.protectors) v.protectors = r.protectors.slice(0, 16);
    volumes.push(v);
  }
  volumes.sort((a, b) => Number(b.system) - Number(a.system));
  const facts: DiskEncryptionFacts = { volumes: volumes.slice(0, MAX_VOLUMES) };
  if (osVolumes.length === 0) {
    gaps.unshift({ fact: SYSTEM_FACT, reason: 'parse-error', probe, detail: 'no volume is marked as the operating-system volume' });
  } else if (osVolumes.every((r) => r.state !== undefined)) {
    facts.systemVolumeEncrypted = osVolumes.every((r) => r.state === 'on');
  }
  return { facts, gaps };
}
