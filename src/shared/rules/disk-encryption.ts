/**
 * The `disk_encryption` rule. When required, every system volume (Linux `/` and a separate
 * `/home`, the macOS Data volume, the Windows OS drive) must be fully encrypted (state `on`),
 * and on Windows BitLocker protection must be on (not suspended). A fact the requirement
 * needs but the collector could not read makes the check unknown, never a pass.
 */
import type { Gap, Platform, UnknownReason } from '../check-ids.js';
import type { DiskEncryptionFacts, Volume } from '../facts/disk-encryption.js';
import type { DiskEncryptionRequirement } from '../requirements.js';
import { combineFindings, gapFor, type Finding, type Rule } from './findings.js';

const CHECK = 'disk_encryption';

const REASON_TEXT: Readonly<Record<UnknownReason, string>> = {
  timeout: 'the status command did not answer in time',
  permission: 'the agent lacks the rights to read it',
  'not-installed': 'the tool that reports it is not installed',
  'parse-error': 'the status output was not recognised',
  'probe-failed': 'the status could not be read',
  'not-collected': 'the diagnose bundle has no record of it',
  'not-configured': 'the agent is not configured to read it',
  'output-too-large': 'the status output was too large',
  'internal-error': 'the agent hit an internal error',
};

/** Judges disk-encryption facts against `{ required }`; see the module comment. */
export const evaluateDiskEncryption: Rule<DiskEncryptionFacts, DiskEncryptionRequirement> = ({ facts, gaps, requirement, platform }) => {
  const outcome = combineFindings(judge(facts, gaps, platform), passSummary(facts, platform));
  if (requirement?.required === true) return outcome;
  return { status: 'pass', summary: `${outcome.summary.replace(/\.\s*$/, '')} (not required).`, reasons: [`${CHECK}.not_required`] };
};

function judge(facts: DiskEncryptionFacts | undefined, gaps: readonly Gap[], platform: Platform): Finding[] {
  if (!facts || facts.systemVolumeEncrypted === undefined) {
    return [unknown('system_volume_unknown', 'whether the system disk is encrypted', gapFor(gaps, 'systemVolumeEncrypted') ?? gaps[0])];
  }
  const system = facts.volumes.filter((v) => v.system);
  if (facts.systemVolumeEncrypted === false) {
    const offenders = system.filter((v) => !v.encrypted);
    if (offenders.length === 0) return [notEncrypted(undefined, platform)];
    return offenders.map((v) => notEncrypted(v, platform));
  }
  return system.map((v): Finding => {
    if (!v.encrypted || (v.state !== undefined && v.state !== 'on' && v.state !== 'locked')) return notEncrypted(v, platform);
    if (v.state === undefined) return unknown('state_unknown', `whether encryption of ${label(v, platform)} has finished`, gapFor(gaps, 'volumes.state') ?? gapFor(gaps, 'systemVolumeEncrypted'));
    if (platform === 'win32' && v.protectionOn === undefined) {
      return unknown('protection_unknown', `whether BitLocker protection is on for ${label(v, platform)}`, gapFor(gaps, 'volumes.protectionOn') ?? gapFor(gaps, 'volumes'));
    }
    if (v.protectionOn === false) {
      const drive = v.mount ?? 'C:';
      return {
        status: 'fail',
        code: `${CHECK}.protection_suspended`,
        message: `BitLocker protection on ${label(v, platform)} is suspended, so the disk's key is stored unprotected.`,
        remediation: `Resume BitLocker protection: restart if it was suspended for an update, or run \`manage-bde -protectors -enable ${drive}\` in an administrator terminal (Control Panel › BitLocker Drive Encryption › Resume protection).`,
      };
    }
    return { status: 'pass', code: `${CHECK}.system_volume_encrypted`, message: encryptedSentence(v, platform) };
  });
}

function notEncrypted(v: Volume | undefined, platform: Platform): Finding {
  const what = v ? label(v, platform) : 'the system disk';
  const pct = v?.percentEncrypted !== undefined ? ` (${v.percentEncrypted}% encrypted)` : '';
  switch (v?.state) {
    case 'encrypting':
      return {
        status: 'fail',
        code: `${CHECK}.encryption_in_progress`,
        message: `Encryption of ${what} is still in progress${pct}; it is not fully protected until it finishes.`,
        remediation: 'Keep the computer switched on and plugged in until encryption finishes, then check again.',
      };
    case 'decrypting':
      return { status: 'fail', code: `${CHECK}.decryption_in_progress`, message: `${cap(what)} is being decrypted: encryption is being turned off.`, remediation: turnOn(v, platform) };
    case 'paused':
      return {
        status: 'fail',
        code: `${CHECK}.encryption_paused`,
        message: `Encryption of ${what} is paused${pct}.`,
        remediation:
          platform === 'win32'
            ? `Resume it with \`manage-bde -resume ${v.mount ?? 'C:'}\` in an administrator terminal, then leave the computer on until it finishes.`
            : 'Plug the computer into power and leave it on so encryption can resume and finish.',
      };
    default:
      return {
        status: 'fail',
        code: `${CHECK}.system_volume_unencrypted`,
        message: platform === 'darwin' ? 'FileVault is off, so the startup disk is not encrypted.' : `${cap(what)} is not encrypted.`,
        remediation: turnOn(v, platform),
      };
  }
}

function turnOn(v: Volume | undefined, platform: Platform): string {
  if (platform === 'darwin') return 'Turn on FileVault in System Settings › Privacy & Security › FileVault, then restart when asked.';
  if (platform === 'win32') {
    return `Turn on BitLocker in Settings › Privacy & security › Device encryption (or Control Panel › BitLocker Drive Encryption), or run \`manage-bde -on ${v?.mount ?? 'C:'}\` in an administrator terminal.`;
  }
  return 'Contact IT: encrypting an existing Linux system disk needs a reinstall with full-disk encryption (LUKS) or an offline `cryptsetup reencrypt --encrypt`, and both risk data loss without a backup.';
}

function unknown(code: string, what: string, gap: Gap | undefined): Finding {
  const reason = gap?.reason ?? 'not-collected';
  const detail = gap?.detail ? ` (${gap.detail})` : '';
  const f: Finding = { status: 'unknown', code: `${CHECK}.${code}`, message: `Could not tell ${what}: ${REASON_TEXT[reason]}${detail}.`, unknownReason: reason };
  if (reason === 'permission') f.remediation = 'Run the posture agent as its installed service (or as administrator/root) so it can read the encryption status.';
  else f.remediation = 'Run `posture-agent diagnose --out bundle.json` and send the bundle to IT.';
  return f;
}

function passSummary(facts: DiskEncryptionFacts | undefined, platform: Platform): string {
  const system = facts?.volumes.filter((v) => v.system) ?? [];
  if (system.length === 0) return 'The system disk is encrypted.';
  return system.map((v) => encryptedSentence(v, platform)).join(' ');
}

function encryptedSentence(v: Volume, platform: Platform): string {
  if (platform === 'darwin') return 'FileVault is on: the startup disk is encrypted.';
  const how = v.method ? ` (${v.method})` : '';
  if (platform === 'win32') return `${cap(label(v, platform))} is fully encrypted with BitLocker${how}${v.protectionOn ? ' and protection is on' : ''}.`;
  return `${cap(label(v, platform))} is encrypted${how}.`;
}

function label(v: Volume, platform: Platform): string {
  if (platform === 'darwin') return 'the startup disk';
  if (platform === 'win32') return v.mount ? `drive ${v.mount}` : `the volume ${v.device ?? ''}`.trim();
  if (v.mount === '/') return `the system volume /${v.device ? ` (${v.device})` : ''}`;
  return `the volume ${v.mount ?? v.device ?? ''}`.trim();
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
