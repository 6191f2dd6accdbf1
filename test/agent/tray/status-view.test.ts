import { beforeAll, describe, expect, it } from 'vitest';
import { remediationSteps, requirementText } from '../../../src/agent/tray/check-details.js';
import { isAllowedSettingsUrl, settingsLinkFor } from '../../../src/agent/tray/settings-links.js';
import type { StatusView } from '../../../src/shared/ipc.js';
import { BASELINE_REQUIREMENTS } from '../../../src/shared/requirements.js';
import { buildScenarios, type ScenarioName } from '../../renderer/scenarios.js';

let s: Record<ScenarioName, StatusView>;
beforeAll(async () => {
  s = await buildScenarios();
});

describe('status view from real replayed reports', () => {
  it('compliant: one sentence, every check passed, no remediation', () => {
    expect(s.compliant.state).toBe('compliant');
    expect(s.compliant.headline).toBe('This device meets the policy: all 3 resources are allowed.');
    expect(s.compliant.checks.map((c) => [c.id, c.status, c.remediation])).toEqual([
      ['disk_encryption', 'pass', null],
      ['firewall', 'pass', null],
      ['screen_lock', 'pass', null],
    ]);
    expect(s.compliant.judgedAgainst).toBe('service');
  });

  it('failing: names the denied resource and the failing check, with the FileVault deep link', () => {
    expect(s.failing.headline).toBe('Access to training-cluster is blocked: fix disk encryption.');
    const disk = s.failing.checks.find((c) => c.id === 'disk_encryption');
    expect(disk?.facts).toEqual([
      { label: 'System disk encrypted', value: 'no' },
      { label: 'Volume /System/Volumes/Data', value: 'off, FileVault' },
    ]);
    expect(disk?.requirement).toBe('Requires the system disk to be fully encrypted.');
    expect(disk?.remediation?.settings).toEqual({ url: 'x-apple.systempreferences:com.apple.preference.security?FileVault', label: 'Open FileVault settings' });
    expect(s.failing.resources.map((r) => `${r.name}:${r.decision}`)).toEqual(['training-cluster:deny', 'jupyter-hub:allow']);
  });

  it('warning: turns a resource warning with a deadline into a dated sentence', () => {
    expect(s.warning.warnings).toEqual([{ text: 'Screen lock required for jupyter-hub from 1 Dec 2026', resource: 'jupyter-hub', until: '2026-12-01T00:00:00.000Z' }]);
    expect(s.warning.headline).toBe('This device meets the policy, with one warning: Screen lock required for jupyter-hub from 1 Dec 2026.');
  });

  it('offline: says since when, and that the last result expired', () => {
    expect(s.offline.state).toBe('offline');
    expect(s.offline.offlineSince).toBe('2025-06-02T09:05:00.000Z');
    expect(s.offline.headline).toBe('Offline since 2 Jun, 09:05: the posture service cannot be reached; your last result has expired.');
    expect(s.offline.problem).toContain('ECONNREFUSED');
  });

  it('unenrolled: no device, checks judged against the built-in baseline', () => {
    expect(s.unenrolled.device).toBeNull();
    expect(s.unenrolled.judgedAgainst).toBe('baseline');
    expect(s.unenrolled.checks.find((c) => c.id === 'screen_lock')?.requirement).toBe('Requires the screen to lock after at most 15 min idle.');
    expect(s.unenrolled.enrollment).toEqual({ serviceUrl: 'https://posture.example.com', serviceUrlLocked: false });
  });
});

describe('check details', () => {
  it('words every baseline requirement', () => {
    expect(requirementText('os_patch', BASELINE_REQUIREMENTS)).toBe('Requires updates installed within the last 30 days, no pending security updates, an OS version the vendor still supports.');
    expect(requirementText('edr', BASELINE_REQUIREMENTS)).toBe('Requires a known EDR product, running and healthy with real-time protection.');
    expect(requirementText('mfa', BASELINE_REQUIREMENTS)).toBe('Requires a multi-factor sign-in (mfa, hwk, otp, swk) within the last 12 h.');
    expect(requirementText('mdm', BASELINE_REQUIREMENTS)).toBe('MDM enrolment is not required.');
    expect(requirementText('firewall', {})).toBeNull();
  });

  it('splits remediation into steps', () => {
    expect(remediationSteps('1. Open Settings\n2. Turn on FileVault')).toEqual(['Open Settings', 'Turn on FileVault']);
    expect(remediationSteps('Run sudo ufw enable. Then check again.')).toEqual(['Run sudo ufw enable.', 'Then check again.']);
    expect(remediationSteps(undefined)).toEqual([]);
  });
});

describe('settings deep links (the allow-list)', () => {
  it('allows exactly the table’s URLs for the platform', () => {
    expect(settingsLinkFor('win32', 'os_patch')?.url).toBe('ms-settings:windowsupdate');
    expect(isAllowedSettingsUrl('darwin', 'x-apple.systempreferences:com.apple.preference.security?FileVault')).toBe(true);
    expect(isAllowedSettingsUrl('win32', 'x-apple.systempreferences:com.apple.preference.security?FileVault')).toBe(false);
    expect(isAllowedSettingsUrl('darwin', 'file:///etc/passwd')).toBe(false);
    expect(isAllowedSettingsUrl('win32', 'ms-settings:windowsupdate?x=1')).toBe(false);
    expect(settingsLinkFor('linux', 'firewall')).toBeNull();
  });
});
