import { describe, expect, it } from 'vitest';
import { mfaCheck } from '../../../../src/agent/checks/mfa/index.js';
import type { Requirements } from '../../../../src/shared/requirements.js';
import { runLive } from '../firewall/live.js';
import { absent, bundle, dir, fixture, rec, replay } from '../firewall/replay.js';

const REQ: Requirements = { mfa: { required: true, amr_any: ['mfa', 'hwk'], max_auth_age_seconds: 43200 } };
const ISSUER = { mfaIssuer: 'https://login.example.com' };

const yubikeyLinux = () => [
  dir('linux.hidraw', ['hidraw0', 'hidraw1']),
  rec('linux.hidraw-report-descriptor#hidraw0', { kind: 'file', stdout: fixture('mfa/linux/hidraw-report-descriptor__boot-keyboard.bin') }),
  rec('linux.hidraw-report-descriptor#hidraw1', { kind: 'file', stdout: fixture('mfa/linux/hidraw-report-descriptor__fido-ctaphid.bin') }),
  rec('linux.hidraw-uevent#hidraw1', { kind: 'file', stdout: fixture('mfa/linux/hidraw-uevent__yubikey.txt') }),
  rec('linux.tpm-version', { kind: 'file', stdout: '2\n' }),
];

describe('mfa local authenticators on Linux (replayed, synthetic)', () => {
  it('finds a FIDO key and a TPM 2.0, and is unknown not-configured without an identity provider', async () => {
    const r = await replay(mfaCheck, bundle('linux', yubikeyLinux()), REQ);
    expect(r.facts).toEqual({
      localAuthenticators: [
        { kind: 'roaming', name: 'Yubico YubiKey OTP+FIDO+CCID' },
        { kind: 'platform', name: 'TPM 2.0' },
      ],
    });
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('not-configured');
    expect(r.summary).toBe('MFA cannot be verified: no identity provider is configured (found: Yubico YubiKey OTP+FIDO+CCID (security key), TPM 2.0).');
  });

  it('is unknown not-collected with an issuer but no sign-in yet', async () => {
    const r = await replay(mfaCheck, bundle('linux', yubikeyLinux()), REQ, ISSUER);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('not-collected');
    expect(r.facts).toMatchObject({ issuer: 'https://login.example.com' });
    expect(r.summary).toContain('posture-agent login');
  });

  it('lists nothing on a machine without hidraw devices or TPM', async () => {
    const r = await replay(mfaCheck, bundle('linux', [absent('linux.hidraw', 'dir'), absent('linux.tpm-version')]), REQ);
    expect(r.facts).toEqual({ localAuthenticators: [] });
    expect(r.summary).toContain('no local authenticator found');
  });

  it('records a parse-error gap for a truncated descriptor but keeps the other readings', async () => {
    const records = [dir('linux.hidraw', ['hidraw0']), rec('linux.hidraw-report-descriptor#hidraw0', { kind: 'file', stdout: fixture('mfa/linux/hidraw-report-descriptor__truncated.bin') }), rec('linux.tpm-version', { kind: 'file', stdout: '2\n' })];
    const r = await replay(mfaCheck, bundle('linux', records), REQ);
    expect(r.facts).toEqual({ localAuthenticators: [{ kind: 'platform', name: 'TPM 2.0' }] });
    expect(r.gaps).toContainEqual(expect.objectContaining({ fact: 'localAuthenticators', reason: 'parse-error', probe: 'linux.hidraw-report-descriptor#hidraw0' }));
    expect(r.status).toBe('unknown');
  });

  it('runs live on this machine with schema-valid facts', async () => {
    // No hidraw devices and no TPM in this VM, and no issuer configured: facts
    // { localAuthenticators: [] } and `unknown` with reason not-configured.
    const { result, wallMs, schemaValid } = await runLive(mfaCheck);
    expect(schemaValid).toBe(true);
    expect(result.gaps.filter((g) => g.reason === 'internal-error')).toEqual([]);
    expect(result.status).toBe('unknown');
    expect(result.unknownReason).toBe('not-configured');
    expect(wallMs).toBeLessThan(500);
  });
});

describe('mfa local authenticators on macOS (replayed, synthetic)', () => {
  it('reports Touch ID set up when unlock is on and fingerprints are enrolled', async () => {
    const b = bundle('darwin', [rec('darwin.bioutil-config', { stdout: fixture('mfa/darwin/bioutil-r__touchid-unlock-on.txt') }), rec('darwin.bioutil-count', { stdout: fixture('mfa/darwin/bioutil-c__2-templates.txt') })]);
    const r = await replay(mfaCheck, b, REQ);
    expect(r.facts).toEqual({ localAuthenticators: [{ kind: 'platform', name: 'Touch ID', enrolled: true }] });
  });

  it('reports Touch ID not set up without fingerprints, and nothing on a Mac without the sensor', async () => {
    const none = await replay(mfaCheck, bundle('darwin', [rec('darwin.bioutil-config', { stdout: fixture('mfa/darwin/bioutil-r__touchid-unlock-on.txt') }), rec('darwin.bioutil-count', { stdout: fixture('mfa/darwin/bioutil-c__none.txt') })]), REQ);
    expect(none.facts).toEqual({ localAuthenticators: [{ kind: 'platform', name: 'Touch ID', enrolled: false }] });
    const noSensor = await replay(mfaCheck, bundle('darwin', [rec('darwin.bioutil-config', { exitCode: 1, stdout: fixture('mfa/darwin/bioutil-r__no-sensor.txt') }), rec('darwin.bioutil-count', { exitCode: 1 })]), REQ);
    expect(noSensor.facts).toEqual({ localAuthenticators: [] });
  });
});

describe('mfa local authenticators on Windows (replayed, real dsregcmd)', () => {
  it('reports Windows Hello for Business set up from NgcSet YES', async () => {
    const b = bundle('win32', [rec('win32.dsregcmd-status', { stdout: fixture('mfa/win32/dsregcmd-status-section-user-state__msdocs-ngcset-yes.txt') })]);
    const r = await replay(mfaCheck, b, REQ);
    expect(r.facts).toEqual({ localAuthenticators: [{ kind: 'platform', name: 'Windows Hello for Business', enrolled: true }] });
  });

  it('reports Windows Hello for Business not set up from NgcSet NO', async () => {
    const b = bundle('win32', [rec('win32.dsregcmd-status', { stdout: fixture('mfa/win32/dsregcmd-status__not-joined.txt') })]);
    const r = await replay(mfaCheck, b, { mfa: { required: false } });
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('MFA is not required (no identity provider is configured; found: Windows Hello for Business (not set up)).');
  });

  it('records a gap when dsregcmd is missing from the bundle, and is still never a pass when required', async () => {
    const r = await replay(mfaCheck, bundle('win32', []), REQ, ISSUER);
    expect(r.gaps).toContainEqual(expect.objectContaining({ fact: 'localAuthenticators', reason: 'not-collected' }));
    expect(r.status).toBe('unknown');
  });
});
