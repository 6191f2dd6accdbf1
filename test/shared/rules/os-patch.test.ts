import { describe, expect, it } from 'vitest';
import type { Gap, Platform } from '../../../src/shared/check-ids.js';
import type { OsPatchFacts } from '../../../src/shared/facts/os-patch.js';
import type { OsPatchRequirement } from '../../../src/shared/requirements.js';
import { evaluateOsPatch } from '../../../src/shared/rules/os-patch.js';
import { lookupVendorSupport, windowsClass } from '../../../src/shared/rules/os-support.js';

const NOW = new Date('2026-11-25T12:00:00Z');

const DEBIAN: OsPatchFacts = {
  os: { platform: 'linux', id: 'debian', name: 'Debian GNU/Linux', version: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
  packageManager: 'apt',
  lastUpdateInstalledAt: '2026-11-20T10:00:00Z',
  pendingUpdates: 3,
  pendingSecurityUpdates: 0,
  osUpdatePending: false,
  rebootRequired: false,
  vendorSupported: true,
  supportEndsOn: '2028-06-30',
};

function judge(facts: Partial<OsPatchFacts> | undefined, requirement: OsPatchRequirement | undefined, gaps: Gap[] = [], platform: Platform = 'linux') {
  return evaluateOsPatch({ facts: facts === undefined ? undefined : { ...DEBIAN, ...facts }, gaps, requirement, now: NOW, platform });
}

function without(...keys: (keyof OsPatchFacts)[]): Partial<OsPatchFacts> {
  const f: Partial<OsPatchFacts> = { ...DEBIAN };
  for (const k of keys) delete f[k];
  return f;
}

function judgeExact(facts: Partial<OsPatchFacts>, requirement: OsPatchRequirement | undefined, gaps: Gap[] = [], platform: Platform = 'linux') {
  return evaluateOsPatch({ facts: { os: DEBIAN.os, ...facts }, gaps, requirement, now: NOW, platform });
}

describe('evaluateOsPatch', () => {
  it('passes a patched, supported machine and states what it saw', () => {
    const out = judge({}, { max_patch_age_days: 30, max_pending_security_updates: 0, require_vendor_supported: true, fail_on_reboot_required: true, fail_on_os_update_pending: true });
    expect(out.status).toBe('pass');
    expect(out.summary).toBe('Debian GNU/Linux 12 (bookworm): updates installed 5 days ago; no security updates pending; supported until 2028-06-30.');
    expect(out.reasons).toEqual(['os_patch.patch_recent', 'os_patch.security_updates_ok', 'os_patch.os_supported', 'os_patch.no_reboot_pending', 'os_patch.no_os_update_pending']);
  });

  it('passes without a requirement but still tells the truth about a pending restart and an unsupported OS', () => {
    const out = judge({ rebootRequired: true, vendorSupported: false, supportEndsOn: '2024-06-30' }, undefined);
    expect(out.status).toBe('pass');
    expect(out.summary).toMatch(/no longer supported by its vendor \(not required\); restart pending \(not required\)\. No patch requirements apply\.$/);
  });

  describe('max_patch_age_days', () => {
    it('fails when updates are older than allowed, with the OS-specific command', () => {
      const out = judge({ lastUpdateInstalledAt: '2026-09-22T04:45:29' }, { max_patch_age_days: 30 });
      expect(out.status).toBe('fail');
      expect(out.reasons).toEqual(['os_patch.patch_too_old']);
      expect(out.summary).toMatch(/^Updates were last installed 6\d days ago \(2026-09-22\); at most 30 days are allowed\.$/);
      expect(out.remediation).toBe('Run `sudo apt update && sudo apt upgrade`.');
    });

    it('passes exactly at the limit', () => {
      expect(judge({ lastUpdateInstalledAt: '2026-10-26T12:00:00Z' }, { max_patch_age_days: 30 }).status).toBe('pass');
    });

    it('is unknown with the collector reason when the last update time is missing', () => {
      const out = judgeExact(without('lastUpdateInstalledAt'), { max_patch_age_days: 30 }, [{ fact: 'lastUpdateInstalledAt', reason: 'permission', detail: 'history.log: EACCES' }]);
      expect(out.status).toBe('unknown');
      expect(out.unknownReason).toBe('permission');
      expect(out.reasons).toEqual(['os_patch.unknown_lastupdateinstalledat']);
    });

    it('fails when the whole readable history (older than the limit) shows no update', () => {
      const out = judgeExact({ updateHistoryStartsAt: '2026-08-01T00:00:00' }, { max_patch_age_days: 30 }, [{ fact: 'lastUpdateInstalledAt', reason: 'not-collected' }]);
      expect(out.status).toBe('fail');
      expect(out.reasons).toEqual(['os_patch.no_update_in_history']);
    });

    it('stays unknown when the history without updates is younger than the limit', () => {
      const out = judgeExact({ updateHistoryStartsAt: '2026-11-20T00:00:00' }, { max_patch_age_days: 30 }, [{ fact: 'lastUpdateInstalledAt', reason: 'not-collected' }]);
      expect(out.status).toBe('unknown');
    });

    it('is unknown (parse-error) for a last update time that is not a date', () => {
      const out = judge({ lastUpdateInstalledAt: 'yesterday' }, { max_patch_age_days: 30 });
      expect(out).toMatchObject({ status: 'unknown', unknownReason: 'parse-error' });
    });
  });

  describe('max_pending_security_updates', () => {
    it('fails with more pending security updates than allowed', () => {
      const out = judge({ pendingSecurityUpdates: 2 }, { max_pending_security_updates: 0 });
      expect(out).toMatchObject({ status: 'fail', reasons: ['os_patch.security_updates_pending'], summary: '2 security updates are waiting to be installed (at most 0 allowed).' });
    });

    it('passes within the allowance', () => {
      expect(judge({ pendingSecurityUpdates: 2 }, { max_pending_security_updates: 2 }).status).toBe('pass');
    });

    it('is unknown (not-configured) when security updates cannot be told apart, never zero', () => {
      const gap: Gap = { fact: 'pendingSecurityUpdates', reason: 'not-configured', detail: 'apt has no *-security suite' };
      const out = judgeExact(without('pendingSecurityUpdates'), { max_pending_security_updates: 0 }, [gap]);
      expect(out).toMatchObject({ status: 'unknown', unknownReason: 'not-configured' });
      expect(out.summary).toContain('apt has no *-security suite');
    });
  });

  describe('require_vendor_supported', () => {
    it('fails an OS past its vendor support, naming the end date and the upgrade path', () => {
      const out = judge({ vendorSupported: false, supportEndsOn: '2026-08-31', os: { ...DEBIAN.os, version: '11', prettyName: 'Debian GNU/Linux 11 (bullseye)' } }, { require_vendor_supported: true });
      expect(out.status).toBe('fail');
      expect(out.summary).toBe('Debian GNU/Linux 11 (bullseye) no longer receives security updates from its vendor (support ended 2026-08-31).');
      expect(out.remediation).toMatch(/debian\.org\/releases/);
    });

    it('is unknown when the support table cannot place the version', () => {
      const out = judgeExact(without('vendorSupported', 'supportEndsOn'), { require_vendor_supported: true }, [{ fact: 'vendorSupported', reason: 'not-configured', detail: 'Arch Linux is a rolling release' }]);
      expect(out).toMatchObject({ status: 'unknown', unknownReason: 'not-configured' });
    });

    it('does not judge support when the requirement is off', () => {
      expect(judge({ vendorSupported: false }, { require_vendor_supported: false }).status).toBe('pass');
    });
  });

  describe('fail_on_reboot_required', () => {
    it('fails when a restart is pending, with the platform steps', () => {
      const out = judge({ rebootRequired: true }, { fail_on_reboot_required: true }, [], 'win32');
      expect(out).toMatchObject({ status: 'fail', reasons: ['os_patch.reboot_required'] });
      expect(out.remediation).toMatch(/Update and restart/);
    });

    it('is unknown when the collector cannot tell', () => {
      const out = judgeExact(without('rebootRequired'), { fail_on_reboot_required: true }, [{ fact: 'rebootRequired', reason: 'not-installed', detail: 'macOS has no pending-restart indicator' }], 'darwin');
      expect(out).toMatchObject({ status: 'unknown', unknownReason: 'not-installed' });
    });

    it('passes a pending restart when not required, saying so', () => {
      const out = judge({ rebootRequired: true }, { fail_on_reboot_required: false, max_patch_age_days: 30 });
      expect(out.status).toBe('pass');
      expect(out.summary).toContain('restart pending (not required)');
    });
  });

  describe('fail_on_os_update_pending', () => {
    it('fails with a pending OS update and points at Software Update on macOS', () => {
      const out = judge({ osUpdatePending: true, os: { platform: 'darwin', name: 'macOS', version: '15.1' } }, { fail_on_os_update_pending: true }, [], 'darwin');
      expect(out).toMatchObject({ status: 'fail', reasons: ['os_patch.os_update_pending'], summary: 'An update of macOS 15.1 itself is waiting to be installed.' });
      expect(out.remediation).toMatch(/System Settings › General › Software Update/);
    });

    it('is unknown when it was not observed, with no gap to explain it (not-collected)', () => {
      expect(judgeExact(without('osUpdatePending'), { fail_on_os_update_pending: true })).toMatchObject({ status: 'unknown', unknownReason: 'not-collected' });
    });
  });

  it('combines failures and unknowns: a failure wins and the unknown reason is still listed', () => {
    const out = judgeExact({ ...without('rebootRequired'), pendingSecurityUpdates: 4 }, { max_pending_security_updates: 0, fail_on_reboot_required: true }, [{ fact: 'rebootRequired', reason: 'timeout' }]);
    expect(out.status).toBe('fail');
    expect(out.reasons).toEqual(['os_patch.security_updates_pending', 'os_patch.unknown_rebootrequired']);
  });

  it('is unknown, never pass, when the collector produced no facts', () => {
    const out = evaluateOsPatch({ facts: undefined, gaps: [{ fact: 'os', reason: 'timeout' }], requirement: { max_patch_age_days: 30 }, now: NOW, platform: 'linux' });
    expect(out).toMatchObject({ status: 'unknown', unknownReason: 'timeout' });
  });

  it('gives each Linux package manager its own update command', () => {
    const cmd = (pm: string) => judge({ packageManager: pm, pendingSecurityUpdates: 1 }, { max_pending_security_updates: 0 }).remediation;
    expect(cmd('dnf')).toBe('Run `sudo dnf upgrade --refresh`.');
    expect(cmd('zypper')).toMatch(/zypper patch/);
    expect(cmd('pacman')).toBe('Run `sudo pacman -Syu`.');
  });
});

describe('vendor support table', () => {
  const linux = (id: string, version: string, name = id) => ({ platform: 'linux', id, version, name });

  it('uses Debian LTS dates', () => {
    expect(lookupVendorSupport(linux('debian', '12'), NOW)).toMatchObject({ known: true, supported: true, endsOn: '2028-06-30' });
    expect(lookupVendorSupport(linux('debian', '11'), NOW)).toMatchObject({ known: true, supported: false, endsOn: '2026-08-31' });
  });

  it('derives Ubuntu dates from the release policy, with Canonical extensions', () => {
    expect(lookupVendorSupport(linux('ubuntu', '22.04'), NOW)).toMatchObject({ supported: true, endsOn: '2027-04-30' });
    expect(lookupVendorSupport(linux('ubuntu', '20.04'), NOW)).toMatchObject({ supported: false, endsOn: '2025-05-31' });
    expect(lookupVendorSupport(linux('ubuntu', '25.04'), NOW)).toMatchObject({ supported: false, endsOn: '2026-01-31' });
  });

  it('prefers the SUPPORT_END an OS declares in os-release', () => {
    expect(lookupVendorSupport(linux('fedora', '43'), NOW, '2026-12-02')).toMatchObject({ supported: true, endsOn: '2026-12-02' });
    expect(lookupVendorSupport(linux('fedora', '43'), NOW, 'soon')).toMatchObject({ known: false });
  });

  it('tells CentOS Stream from CentOS Linux by NAME', () => {
    expect(lookupVendorSupport(linux('centos', '8', 'CentOS Stream'), NOW)).toMatchObject({ endsOn: '2024-05-31' });
    expect(lookupVendorSupport(linux('centos', '8', 'CentOS Linux'), NOW)).toMatchObject({ endsOn: '2021-12-31' });
  });

  it('does not know rolling releases or versions missing from the table', () => {
    expect(lookupVendorSupport(linux('arch', ''), NOW)).toMatchObject({ known: false, why: expect.stringMatching(/rolling/) });
    expect(lookupVendorSupport(linux('fedora', '45'), NOW)).toMatchObject({ known: false });
  });

  it('applies Apple’s newest-three rule and stops trusting an open entry after its review date', () => {
    const mac = (version: string) => ({ platform: 'darwin', name: 'macOS', version });
    expect(lookupVendorSupport(mac('13.7.8'), NOW)).toMatchObject({ supported: false, endsOn: '2025-09-15' });
    expect(lookupVendorSupport(mac('15.7.1'), NOW)).toMatchObject({ known: true, supported: true });
    expect(lookupVendorSupport(mac('14.8'), NOW)).toMatchObject({ known: false });
    expect(lookupVendorSupport(mac('14.8'), new Date('2026-03-01T00:00:00Z'))).toMatchObject({ known: true, supported: true });
    expect(lookupVendorSupport(mac('27.1'), NOW)).toMatchObject({ known: true, supported: true });
    expect(lookupVendorSupport(mac('10.15.7'), NOW)).toMatchObject({ supported: false, endsOn: '2022-10-24' });
  });

  it('uses the Windows edition: Pro, Enterprise, LTSC and Server differ', () => {
    const win = (build: string, edition: string, name: string) => ({ platform: 'win32', version: `10.0.${build}`, build: `${build}.1`, edition, name });
    expect(lookupVendorSupport(win('26200', 'Professional', 'Windows 11 Pro'), NOW)).toMatchObject({ endsOn: '2027-10-12' });
    expect(lookupVendorSupport(win('26200', 'Enterprise', 'Windows 11 Enterprise'), NOW)).toMatchObject({ endsOn: '2028-10-10' });
    expect(lookupVendorSupport(win('26100', 'EnterpriseS', 'Windows 11 Enterprise LTSC'), NOW)).toMatchObject({ endsOn: '2029-10-09' });
    expect(lookupVendorSupport(win('20348', 'ServerStandard', 'Windows Server 2022 Standard'), NOW)).toMatchObject({ endsOn: '2031-10-14' });
    expect(lookupVendorSupport(win('19045', 'Professional', 'Windows 10 Pro'), NOW)).toMatchObject({ supported: false, endsOn: '2025-10-14' });
    expect(lookupVendorSupport(win('22631', '', 'Windows 11 Contoso'), NOW)).toMatchObject({ known: false });
  });

  it('classifies Windows editions from the product name when EditionID is missing', () => {
    expect(windowsClass({ name: 'Microsoft Windows 10 企业版 LTSC' })).toBe('ltsc');
    expect(windowsClass({ name: 'Microsoft Windows 10 Enterprise' })).toBe('enterprise');
    expect(windowsClass({ name: 'Windows 11 Pro Education' })).toBe('consumer');
  });
});
