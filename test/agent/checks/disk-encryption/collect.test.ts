import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { diskEncryptionCheck } from '../../../../src/agent/checks/disk-encryption/index.js';
import { runChecks } from '../../../../src/agent/checks/run-checks.js';
import { ALLOWED_COMMANDS } from '../../../../src/agent/exec/allowlist.js';
import { createCommandRunner } from '../../../../src/agent/exec/run-command.js';
import { createLiveProbeRunner } from '../../../../src/agent/probes/live-runner.js';
import { createReplayProbeRunner } from '../../../../src/agent/probes/replay-runner.js';
import type { ProbeRunner } from '../../../../src/agent/probes/types.js';
import { BUNDLE_FORMAT, type Bundle, type ProbeRecord } from '../../../../src/shared/bundle.js';
import type { Platform } from '../../../../src/shared/check-ids.js';
import type { CheckResult } from '../../../../src/shared/check-result.js';
import { DiskEncryptionFactsSchema, type DiskEncryptionFacts } from '../../../../src/shared/facts/disk-encryption.js';
import { BASELINE_REQUIREMENTS, type Requirements } from '../../../../src/shared/requirements.js';
import { FIXTURES_DIR } from '../../../helpers/fixtures.js';

const COLLECTED_AT = '2025-11-25T12:00:00.000Z';

function fixture(path: string): Buffer {
  return readFileSync(join(FIXTURES_DIR, 'disk_encryption', path));
}

/** A bundle record as `diagnose` writes it: UTF-8 text as `stdout`, anything else as base64. */
function rec(key: string, out: Buffer | string, extra: Partial<ProbeRecord> = {}): ProbeRecord {
  const buf = typeof out === 'string' ? Buffer.from(out, 'utf8') : out;
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    if (text.includes('\u0000')) text = undefined;
  } catch {
    text = undefined;
  }
  const probe = key.split('#')[0] as string;
  return {
    key,
    probe,
    kind: probe === 'linux.proc-mounts' ? 'file' : 'exec',
    startedAt: COLLECTED_AT,
    durationMs: 3,
    exitCode: probe === 'linux.proc-mounts' ? null : 0,
    ...(text !== undefined ? { stdout: text } : { stdoutBase64: buf.toString('base64') }),
    ...extra,
  };
}

const failed = (key: string, error: ProbeRecord['error'], detail = ''): ProbeRecord => ({ ...rec(key, ''), exitCode: null, error, ...(detail ? { errorDetail: detail } : {}) });

async function replay(platform: Platform, probes: ProbeRecord[], requirements: Requirements = BASELINE_REQUIREMENTS): Promise<CheckResult> {
  const bundle: Bundle = { format: BUNDLE_FORMAT, agent: { name: 'posture-agent', version: 'test' }, platform, collectedAt: COLLECTED_AT, note: 'composed in test from test/fixtures/disk_encryption', probes };
  return runOn(createReplayProbeRunner(bundle), platform, requirements, 'replay');
}

async function runOn(probes: ProbeRunner, platform: Platform, requirements: Requirements, mode: 'live' | 'replay'): Promise<CheckResult> {
  const report = await runChecks({
    checks: [diskEncryptionCheck],
    context: { probes, platform, now: () => new Date(COLLECTED_AT), settings: {} },
    requirements,
    requirementsSource: 'baseline',
    mode,
  });
  const [result] = report.checks;
  if (!result) throw new Error('no result');
  return result;
}

const facts = (r: CheckResult): DiskEncryptionFacts => r.facts as DiskEncryptionFacts;

describe('disk_encryption on macOS (replayed)', () => {
  it('reports FileVault on as encrypted and passes, noting the institutional key', async () => {
    const r = await replay('darwin', [rec('darwin.fdesetup-status', fixture('macos/fdesetup-status__on-master-keychain-installed.txt'))]);
    expect(r.status).toBe('pass');
    expect(facts(r)).toEqual({
      volumes: [{ mount: '/System/Volumes/Data', system: true, encrypted: true, method: 'FileVault', state: 'on' }],
      systemVolumeEncrypted: true,
      institutionalRecoveryKey: true,
    });
    expect(r.summary).toBe('FileVault is on: the startup disk is encrypted.');
    expect(r.probes).toEqual(['darwin.fdesetup-status']);
  });

  it('fails when FileVault is off and says where to turn it on', async () => {
    const r = await replay('darwin', [rec('darwin.fdesetup-status', fixture('macos/fdesetup-status__synthetic-off.txt'))]);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['disk_encryption.system_volume_unencrypted']);
    expect(r.remediation).toContain('System Settings › Privacy & Security › FileVault');
  });

  it('fails while FileVault is still encrypting, with the percentage', async () => {
    const r = await replay('darwin', [rec('darwin.fdesetup-status', fixture('macos/fdesetup-status__synthetic-encrypting-42.5.txt'))]);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['disk_encryption.encryption_in_progress']);
    expect(r.summary).toContain('42.5%');
    expect(facts(r).volumes[0]).toMatchObject({ state: 'encrypting', encrypted: false, percentEncrypted: 42.5 });
  });

  it('does not pass on mdmclient FDE_Enabled = 1 alone when fdesetup is missing from the bundle', async () => {
    const r = await replay('darwin', [rec('darwin.mdmclient-security-info', fixture('macos/mdmclient-QuerySecurityInfo__fde-enabled.txt'))]);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('not-collected');
    expect(facts(r)).toEqual({ volumes: [], institutionalRecoveryKey: false });
    expect(r.summary).toContain('FileVault enabled but not whether encryption has finished');
  });

  it('fails from mdmclient FDE_Enabled = 0 when fdesetup timed out', async () => {
    const r = await replay('darwin', [failed('darwin.fdesetup-status', 'timeout'), rec('darwin.mdmclient-security-info', fixture('macos/mdmclient-QuerySecurityInfo__synthetic-fde-disabled.txt'))]);
    expect(r.status).toBe('fail');
    expect(facts(r).systemVolumeEncrypted).toBe(false);
    expect(r.gaps.map((g) => [g.fact, g.reason])).toEqual([['volumes.state', 'timeout']]);
  });

  it('is unknown parse-error, never pass, when fdesetup prints something new', async () => {
    const r = await replay('darwin', [rec('darwin.fdesetup-status', fixture('macos/fdesetup-status__synthetic-unknown-wording.txt'))]);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('parse-error');
  });
});

describe('disk_encryption on Windows (replayed)', () => {
  const cimDenied = rec('win32.bitlocker-cim', fixture('windows/bitlocker-cim-json__synthetic-permission-denied.json'), { exitCode: 1 });

  it('passes an OS drive the CIM query reports fully encrypted with protection on', async () => {
    const r = await replay('win32', [rec('win32.bitlocker-cim', fixture('windows/bitlocker-cim-json__synthetic-os-encrypted-data-encrypting.json'))]);
    expect(r.status).toBe('pass');
    expect(facts(r).systemVolumeEncrypted).toBe(true);
    expect(facts(r).volumes[0]).toEqual({ mount: 'C:', device: '\\\\?\\Volume{603eeb71-3202-4b56-86e9-46e56b970dce}\\', system: true, encrypted: true, state: 'on', method: 'XTS-AES 128', percentEncrypted: 100, protectionOn: true, protectors: ['Tpm', 'RecoveryPassword'] });
    expect(facts(r).volumes).toHaveLength(3);
    expect(r.probes).toEqual(['win32.bitlocker-cim']);
  });

  it('fails with protection_suspended when BitLocker protection is off on an encrypted OS drive', async () => {
    const r = await replay('win32', [rec('win32.bitlocker-cim', fixture('windows/bitlocker-cim-json__synthetic-os-protection-suspended.json'))]);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['disk_encryption.protection_suspended']);
    expect(r.remediation).toContain('manage-bde -protectors -enable C:');
  });

  it('falls back to manage-bde when CIM is refused and fails a German "Vollständig entschlüsselt" OS drive', async () => {
    const r = await replay('win32', [cimDenied, rec('win32.manage-bde-status', fixture('windows/manage-bde-status__de-DE-fully-decrypted-protection-off.txt'))]);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['disk_encryption.system_volume_unencrypted']);
    expect(r.summary).toBe('Drive C: is not encrypted.');
    expect(r.remediation).toContain('Settings › Privacy & security › Device encryption');
    expect(r.remediation).toContain('manage-bde -on C:');
    expect(r.probes).toEqual(['win32.bitlocker-cim', 'win32.manage-bde-status']);
  });

  it('fails a German drive still encrypting at 3,5 % with the percentage', async () => {
    const r = await replay('win32', [failed('win32.bitlocker-cim', 'timeout'), rec('win32.manage-bde-status', fixture('windows/manage-bde-status__de-DE-encryption-in-progress-3pct.txt'))]);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['disk_encryption.encryption_in_progress']);
    expect(r.summary).toContain('3.5%');
  });

  it('still fails a German drive whose status says in progress at 100,0 %', async () => {
    const r = await replay('win32', [cimDenied, rec('win32.manage-bde-status', fixture('windows/manage-bde-status__de-DE-in-progress-100pct-protection-on.txt'))]);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['disk_encryption.encryption_in_progress']);
    expect(facts(r).volumes[0]).toMatchObject({ state: 'encrypting', percentEncrypted: 100, protectionOn: true });
  });

  it.each([
    'manage-bde-status-C__en-used-space-only-encrypted-password-protector.txt',
    'manage-bde-status__msdocs-used-space-only-tpm.txt',
  ])('passes "Used Space Only Encrypted" with protection on (%s)', async (file) => {
    const r = await replay('win32', [cimDenied, rec('win32.manage-bde-status', fixture(`windows/${file}`))]);
    expect(r.status).toBe('pass');
    expect(facts(r).systemVolumeEncrypted).toBe(true);
    expect(r.gaps.map((g) => [g.fact, g.reason])).toEqual([['volumes', 'permission']]);
  });

  it('is unknown permission when both CIM and manage-bde are refused', async () => {
    const r = await replay('win32', [cimDenied, rec('win32.manage-bde-status', fixture('windows/manage-bde-status__synthetic-en-access-denied.txt'), { exitCode: -1 })]);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('permission');
    expect(r.remediation).toContain('administrator');
  });

  it('is unknown timeout when both probes time out', async () => {
    const r = await replay('win32', [failed('win32.bitlocker-cim', 'timeout'), failed('win32.manage-bde-status', 'timeout')]);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('timeout');
  });

  it('is unknown not-collected when the bundle has no BitLocker probe at all', async () => {
    const r = await replay('win32', []);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('not-collected');
  });

  it.each([
    ['a Russian manage-bde', 'manage-bde-status__synthetic-ru-RU-unrecognised.txt'],
    ['binary garbage', 'manage-bde-status__synthetic-binary-garbage.bin'],
    ['a status cut mid-value', 'manage-bde-status__synthetic-truncated-mid-line.txt'],
  ])('is unknown parse-error, never pass, for %s', async (_what, file) => {
    const r = await replay('win32', [failed('win32.bitlocker-cim', 'not-installed'), rec('win32.manage-bde-status', fixture(`windows/${file}`))]);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('parse-error');
  });
});

describe('disk_encryption on Linux (replayed)', () => {
  const luksLvm = fixture('linux/lsblk-json__synthetic-luks-lvm-root-and-home.json');

  it('passes LUKS2 under LVM for / and /home, reading the version from cryptsetup', async () => {
    const r = await replay('linux', [rec('linux.lsblk', luksLvm), rec('linux.cryptsetup-status#dm-crypto-luks2', fixture('linux/cryptsetup-status__active-luks2.txt'))]);
    expect(r.status).toBe('pass');
    expect(facts(r).volumes).toEqual([
      { mount: '/', device: '/dev/mapper/vg0-root', system: true, encrypted: true, state: 'on', method: 'LUKS2' },
      { mount: '/home', device: '/dev/mapper/vg0-home', system: true, encrypted: true, state: 'on', method: 'LUKS2' },
      { mount: '/boot/efi', device: '/dev/nvme0n1p1', system: false, encrypted: false, state: 'off' },
      { mount: '/boot', device: '/dev/nvme0n1p2', system: false, encrypted: false, state: 'off' },
      { mount: '/srv/data', device: '/dev/sda1', system: false, encrypted: false, state: 'off' },
    ]);
    expect(facts(r).systemVolumeEncrypted).toBe(true);
    expect(r.summary).toBe('The system volume / (/dev/mapper/vg0-root) is encrypted (LUKS2). The volume /home is encrypted (LUKS2).');
  });

  it('still decides from lsblk when cryptsetup is not installed, recording only the method gap', async () => {
    const r = await replay('linux', [rec('linux.lsblk', luksLvm), failed('linux.cryptsetup-status#dm-crypto-luks2', 'not-installed', 'cryptsetup not found')]);
    expect(r.status).toBe('pass');
    expect(facts(r).volumes[0]).toMatchObject({ mount: '/', method: 'LUKS' });
    expect(r.gaps).toEqual([{ fact: 'volumes.method', reason: 'not-installed', probe: 'linux.cryptsetup-status#dm-crypto-luks2', detail: 'cryptsetup not found' }]);
  });

  it('fails the real lsblk -fJp capture: / is plain xfs while the LUKS containers sit unopened', async () => {
    const r = await replay('linux', [rec('linux.lsblk', fixture('linux/lsblk-fpJ__luks-multi-disk.json'))]);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['disk_encryption.system_volume_unencrypted']);
    expect(facts(r).volumes).toEqual([
      { mount: '/', device: '/dev/sda3', system: true, encrypted: false, state: 'off' },
      { mount: '/boot/efi', device: '/dev/sda2', system: false, encrypted: false, state: 'off' },
    ]);
    expect(r.remediation).toContain('Contact IT');
  });

  it('falls back to MOUNTPOINT on an older lsblk and fails a plain / even with an encrypted /home', async () => {
    const r = await replay('linux', [
      rec('linux.lsblk', '', { exitCode: 1, stderr: 'lsblk: unknown column: MOUNTPOINTS\n' }),
      rec('linux.lsblk-mountpoint', fixture('linux/lsblk-json__synthetic-old-mountpoint-key-plain-root-luks-home.json')),
      rec('linux.cryptsetup-status#home', fixture('linux/cryptsetup-status__active-luks1.txt')),
    ]);
    expect(r.status).toBe('fail');
    expect(facts(r).volumes.map((v) => [v.mount, v.encrypted])).toEqual([['/', false], ['/home', true]]);
    // The LUKS1 capture names another mapping, so its version is not taken for /home.
    expect(r.gaps).toEqual([expect.objectContaining({ fact: 'volumes.method', reason: 'probe-failed' })]);
  });

  it('uses lsblk -P on util-linux without JSON and finds / by its /proc/mounts device name', async () => {
    const r = await replay('linux', [
      rec('linux.lsblk', '', { exitCode: 1, stderr: 'lsblk: unknown column: MOUNTPOINTS\n' }),
      rec('linux.lsblk-mountpoint', '', { exitCode: 1, stderr: "lsblk: invalid option -- 'J'\n" }),
      rec('linux.lsblk-pairs', fixture('linux/lsblk-P-p-o-NAME..UUID__centos-luks-root-and-swap.txt')),
      // synthetic: the /proc/mounts line such a machine would have for its btrfs root
      rec('linux.proc-mounts', '/dev/mapper/luks-315111a6-8d37-447a-8dbf-0c9026abc456 / btrfs rw,relatime,space_cache,subvolid=5,subvol=/ 0 0\n'),
      rec('linux.cryptsetup-status#luks-315111a6-8d37-447a-8dbf-0c9026abc456', '', { exitCode: 1, stderr: 'Cannot initialize device-mapper, running as non-root user.\n' }),
    ]);
    expect(r.status).toBe('pass');
    expect(facts(r).volumes).toEqual([{ mount: '/', device: '/dev/mapper/luks-315111a6-8d37-447a-8dbf-0c9026abc456', system: true, encrypted: true, state: 'on', method: 'dm-crypt' }]);
    expect(r.gaps.map((g) => [g.fact, g.reason])).toEqual([['volumes.method', 'permission']]);
  });

  it('fails an LV that spans an encrypted and a plain PV', async () => {
    const r = await replay('linux', [rec('linux.lsblk', fixture('linux/lsblk-json__synthetic-lv-spanning-luks-and-plain-pv.json'))]);
    expect(r.status).toBe('fail');
    expect(facts(r).volumes[0]).toMatchObject({ mount: '/', encrypted: false });
  });

  it('is unknown, not pass or fail, in a container whose / is an overlay', async () => {
    const r = await replay('linux', [rec('linux.lsblk', fixture('linux/lsblk-json__synthetic-docker-container-host-disk.json')), rec('linux.proc-mounts', fixture('linux/proc-mounts__synthetic-docker-overlay-root.txt'))]);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('probe-failed');
    expect(r.summary).toContain('/ is overlay from "overlay"');
    expect(facts(r).systemVolumeEncrypted).toBeUndefined();
  });

  it.each([
    ['missing from the bundle', [], 'not-collected'],
    ['timed out', [failed('linux.lsblk', 'timeout')], 'timeout'],
    ['not installed', [failed('linux.lsblk', 'not-installed')], 'not-installed'],
    ['binary garbage', [rec('linux.lsblk', fixture('linux/lsblk-json__synthetic-binary-garbage.bin'))], 'parse-error'],
    ['cut in half', [rec('linux.lsblk', fixture('linux/lsblk-json__synthetic-truncated.json'))], 'parse-error'],
  ] as const)('is unknown when lsblk is %s', async (_what, probes, reason) => {
    const r = await replay('linux', [...probes]);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe(reason);
  });

  it('passes an unencrypted disk when encryption is not required, but says so', async () => {
    const r = await replay('linux', [rec('linux.lsblk', fixture('linux/lsblk-fpJ__luks-multi-disk.json'))], { disk_encryption: { required: false } });
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('The system volume / (/dev/sda3) is not encrypted (not required).');
  });
});

describe('disk_encryption live on this machine', () => {
  it('collects schema-valid facts quickly and never crashes', async () => {
    // On the build machine (Debian 12 sandbox VM, root, util-linux 2.38.1, no cryptsetup) lsblk
    // shows / as ext4 directly on /dev/vda with no dm-crypt, so this reads `fail`
    // (system_volume_unencrypted). In a Docker container (/ on overlay) it reads `unknown`
    // (probe-failed); on a LUKS laptop `pass`. All are acceptable; a crash is not.
    const live = createLiveProbeRunner({ commands: createCommandRunner(ALLOWED_COMMANDS, 'linux') });
    const t0 = performance.now();
    const r = await runOn(live, 'linux', BASELINE_REQUIREMENTS, 'live');
    const wallMs = performance.now() - t0;
    expect(['pass', 'fail', 'unknown']).toContain(r.status);
    expect(r.unknownReason).not.toBe('internal-error');
    expect(r.gaps.filter((g) => g.reason === 'internal-error')).toEqual([]);
    if (Object.keys(r.facts).length > 0) expect(Value.Check(DiskEncryptionFactsSchema, r.facts)).toBe(true);
    expect(r.probes).toContain('linux.lsblk');
    expect(wallMs).toBeLessThan(500);

    // The diagnose bundle of this run replays to the same reading.
    const bundle: Bundle = { format: BUNDLE_FORMAT, agent: { name: 'posture-agent', version: 'test' }, platform: 'linux', collectedAt: COLLECTED_AT, probes: live.records() };
    const again = await runOn(createReplayProbeRunner(bundle), 'linux', BASELINE_REQUIREMENTS, 'replay');
    expect([again.status, again.facts, again.reasons]).toEqual([r.status, r.facts, r.reasons]);
    console.info(`disk_encryption live: ${r.status} in ${wallMs.toFixed(1)} ms: ${r.summary}`);
  });
});
