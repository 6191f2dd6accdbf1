import { describe, expect, it } from 'vitest';
import type { Gap, Platform } from '../../../src/shared/check-ids.js';
import type { DiskEncryptionFacts, Volume } from '../../../src/shared/facts/disk-encryption.js';
import type { DiskEncryptionRequirement } from '../../../src/shared/requirements.js';
import { evaluateDiskEncryption } from '../../../src/shared/rules/disk-encryption.js';

const now = new Date('2025-11-25T12:00:00Z');
const REQUIRED: DiskEncryptionRequirement = { required: true };

function judge(platform: Platform, facts: DiskEncryptionFacts | undefined, opts: { gaps?: Gap[]; requirement?: DiskEncryptionRequirement } = {}) {
  return evaluateDiskEncryption({ facts, gaps: opts.gaps ?? [], requirement: 'requirement' in opts ? opts.requirement : REQUIRED, now, platform });
}

const mac = (v: Partial<Volume>): DiskEncryptionFacts => ({
  volumes: [{ mount: '/System/Volumes/Data', system: true, encrypted: v.state === 'on', method: 'FileVault', ...v }],
  systemVolumeEncrypted: v.state === 'on',
});
const win = (v: Partial<Volume>, verdict = v.state === 'on'): DiskEncryptionFacts => ({
  volumes: [{ mount: 'C:', system: true, encrypted: v.state === 'on', method: 'XTS-AES 128', ...v }],
  systemVolumeEncrypted: verdict,
});
const linux = (encrypted: boolean): DiskEncryptionFacts => ({
  volumes: [
    { mount: '/', device: '/dev/mapper/vg0-root', system: true, encrypted, state: encrypted ? 'on' : 'off', ...(encrypted ? { method: 'LUKS2' } : {}) },
    { mount: '/boot', device: '/dev/sda1', system: false, encrypted: false, state: 'off' },
  ],
  systemVolumeEncrypted: encrypted,
});

describe('evaluateDiskEncryption when encryption is required', () => {
  it('passes FileVault on', () => {
    expect(judge('darwin', mac({ state: 'on' }))).toEqual({ status: 'pass', summary: 'FileVault is on: the startup disk is encrypted.', reasons: ['disk_encryption.system_volume_encrypted'] });
  });

  it('passes a LUKS root even though /boot is plain', () => {
    const r = judge('linux', linux(true));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('The system volume / (/dev/mapper/vg0-root) is encrypted (LUKS2).');
  });

  it('passes a BitLocker OS drive that is fully encrypted with protection on', () => {
    const r = judge('win32', win({ state: 'on', protectionOn: true }));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('Drive C: is fully encrypted with BitLocker (XTS-AES 128) and protection is on.');
  });

  it('fails FileVault off with the System Settings path', () => {
    const r = judge('darwin', mac({ state: 'off' }));
    expect(r).toMatchObject({ status: 'fail', reasons: ['disk_encryption.system_volume_unencrypted'], summary: 'FileVault is off, so the startup disk is not encrypted.' });
    expect(r.remediation).toBe('Turn on FileVault in System Settings › Privacy & Security › FileVault, then restart when asked.');
  });

  it('fails an unencrypted Windows drive with both the Settings path and the manage-bde command', () => {
    const r = judge('win32', win({ state: 'off', protectionOn: false }));
    expect(r.status).toBe('fail');
    expect(r.remediation).toContain('Settings › Privacy & security › Device encryption');
    expect(r.remediation).toContain('`manage-bde -on C:`');
  });

  it('fails a plain Linux root and tells the user to contact IT rather than encrypt in place', () => {
    const r = judge('linux', linux(false));
    expect(r).toMatchObject({ status: 'fail', reasons: ['disk_encryption.system_volume_unencrypted'], summary: 'The system volume / (/dev/mapper/vg0-root) is not encrypted.' });
    expect(r.remediation).toContain('Contact IT');
    expect(r.remediation).toContain('cryptsetup reencrypt');
  });

  it('fails encryption in progress with the percentage', () => {
    const r = judge('win32', win({ state: 'encrypting', percentEncrypted: 3.5, protectionOn: false }));
    expect(r).toMatchObject({ status: 'fail', reasons: ['disk_encryption.encryption_in_progress'] });
    expect(r.summary).toBe('Encryption of drive C: is still in progress (3.5% encrypted); it is not fully protected until it finishes.');
    expect(r.remediation).toContain('plugged in');
  });

  it('fails decryption in progress as encryption being turned off', () => {
    const r = judge('darwin', mac({ state: 'decrypting' }));
    expect(r).toMatchObject({ status: 'fail', reasons: ['disk_encryption.decryption_in_progress'] });
    expect(r.remediation).toContain('FileVault');
  });

  it('fails paused encryption and says how to resume it on Windows', () => {
    const r = judge('win32', win({ state: 'paused', percentEncrypted: 40, protectionOn: false }));
    expect(r).toMatchObject({ status: 'fail', reasons: ['disk_encryption.encryption_paused'] });
    expect(r.remediation).toContain('manage-bde -resume C:');
  });

  it('fails suspended BitLocker protection on an encrypted drive', () => {
    const r = judge('win32', win({ state: 'on', protectionOn: false }));
    expect(r).toMatchObject({ status: 'fail', reasons: ['disk_encryption.protection_suspended'] });
    expect(r.remediation).toContain('manage-bde -protectors -enable C:');
  });

  it('is unknown when Windows protection status was not read', () => {
    const r = judge('win32', win({ state: 'on' }), { gaps: [{ fact: 'volumes', reason: 'parse-error', detail: 'protection status not recognised' }] });
    expect(r).toMatchObject({ status: 'unknown', reasons: ['disk_encryption.protection_unknown'], unknownReason: 'parse-error' });
  });

  it('is unknown, not pass, when a volume is encrypted but its state was not read', () => {
    const facts: DiskEncryptionFacts = { volumes: [{ mount: '/System/Volumes/Data', system: true, encrypted: true }], systemVolumeEncrypted: true };
    const r = judge('darwin', facts, { gaps: [{ fact: 'volumes.state', reason: 'timeout' }] });
    expect(r).toMatchObject({ status: 'unknown', reasons: ['disk_encryption.state_unknown'], unknownReason: 'timeout' });
  });

  it('fails inconsistent facts (verdict encrypted, volume still encrypting) rather than passing them', () => {
    expect(judge('win32', win({ state: 'encrypting', protectionOn: true }, true)).status).toBe('fail');
  });

  it('fails an unencrypted verdict even when no system volume is listed', () => {
    const r = judge('linux', { volumes: [], systemVolumeEncrypted: false });
    expect(r).toMatchObject({ status: 'fail', reasons: ['disk_encryption.system_volume_unencrypted'], summary: 'The system disk is not encrypted.' });
  });

  it('is unknown with the gap reason and detail when the system volume was not determined', () => {
    const gap: Gap = { fact: 'systemVolumeEncrypted', reason: 'probe-failed', probe: 'linux.lsblk', detail: '/ is overlay from "overlay"' };
    const r = judge('linux', { volumes: [] }, { gaps: [gap] });
    expect(r).toMatchObject({ status: 'unknown', unknownReason: 'probe-failed', reasons: ['disk_encryption.system_volume_unknown'] });
    expect(r.summary).toBe('Could not tell whether the system disk is encrypted: the status could not be read (/ is overlay from "overlay").');
  });

  it('is unknown permission with a way out when the tool was refused', () => {
    const r = judge('win32', undefined, { gaps: [{ fact: 'systemVolumeEncrypted', reason: 'permission' }] });
    expect(r).toMatchObject({ status: 'unknown', unknownReason: 'permission' });
    expect(r.remediation).toContain('administrator');
  });

  it('is unknown not-collected when there are neither facts nor gaps', () => {
    expect(judge('linux', undefined)).toMatchObject({ status: 'unknown', unknownReason: 'not-collected' });
  });
});

describe('evaluateDiskEncryption when encryption is not required', () => {
  it('passes an unencrypted disk but states the truth', () => {
    expect(judge('darwin', mac({ state: 'off' }), { requirement: { required: false } })).toEqual({
      status: 'pass',
      summary: 'FileVault is off, so the startup disk is not encrypted (not required).',
      reasons: ['disk_encryption.not_required'],
    });
  });

  it('passes without any requirement and still says the disk is encrypted', () => {
    const r = judge('linux', linux(true), { requirement: undefined });
    expect(r).toEqual({ status: 'pass', summary: 'The system volume / (/dev/mapper/vg0-root) is encrypted (LUKS2) (not required).', reasons: ['disk_encryption.not_required'] });
  });

  it('says the reading is missing rather than claiming encryption', () => {
    const r = judge('win32', undefined, { requirement: { required: false }, gaps: [{ fact: 'systemVolumeEncrypted', reason: 'timeout' }] });
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('Could not tell whether the system disk is encrypted: the status command did not answer in time (not required).');
  });
});
