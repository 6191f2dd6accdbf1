import { describe, expect, it } from 'vitest';
import type { Bundle, ProbeRecord } from '../../../../src/shared/bundle.js';
import { BASELINE_REQUIREMENTS } from '../../../../src/shared/requirements.js';
import { bundle, check, fixture, installHistory, rec } from './replay-helpers.js';

describe('macOS (replayed from real captures)', () => {
  const now = '2025-10-20T12:00:00Z';
  const mac = (over: Record<string, ProbeRecord | undefined>): Bundle =>
    bundle(
      'darwin',
      now,
      Object.values({
        'darwin.sw-vers': rec('darwin.sw-vers', fixture('darwin/sw_vers__macos-15.7.1-arm64-double-tab.txt')),
        'darwin.softwareupdate-list': rec('darwin.softwareupdate-list', fixture('darwin/softwareupdate-list__no-update-available-noscan.txt')),
        'darwin.install-history': rec('darwin.install-history', installHistory('2025-10-10T08:00:00Z', 'macOS Sequoia 15.7.1')),
        ...over,
      }).filter((r): r is ProbeRecord => r !== undefined),
    );

  it('passes an up-to-date, supported Mac with nothing pending', async () => {
    const r = await check(mac({}));
    expect(r.status).toBe('pass');
    expect(r.facts.os).toMatchObject({ platform: 'darwin', name: 'macOS', version: '15.7.1', build: '24G231' });
    expect(r.facts).toMatchObject({ pendingUpdates: 0, pendingSecurityUpdates: 0, osUpdatePending: false, vendorSupported: true, lastUpdateInstalledAt: '2025-10-10T08:00:00Z' });
    expect(r.summary).toMatch(/updates installed 10 days ago; no security updates pending/);
  });

  it('fails a Mac whose Software Update offers a macOS release (security fixes) and counts it as an OS update', async () => {
    const r = await check(mac({ 'darwin.softwareupdate-list': rec('darwin.softwareupdate-list', fixture('darwin/softwareupdate-list__tahoe-26.4.1-4-updates-incl-os.txt')) }), {
      ...BASELINE_REQUIREMENTS.os_patch,
      fail_on_os_update_pending: true,
    });
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(expect.arrayContaining(['os_patch.security_updates_pending', 'os_patch.os_update_pending']));
    expect(r.facts).toMatchObject({ pendingUpdates: 4, pendingSecurityUpdates: 1, osUpdatePending: true });
    expect(r.remediation).toMatch(/System Settings › General › Software Update/);
  });

  it('does not count a beta macOS as a pending security or OS update', async () => {
    const r = await check(mac({ 'darwin.softwareupdate-list': rec('darwin.softwareupdate-list', fixture('darwin/softwareupdate-list__beta-update-available-noscan.txt')) }), {
      ...BASELINE_REQUIREMENTS.os_patch,
      fail_on_os_update_pending: true,
    });
    expect(r.status).toBe('pass');
    expect(r.facts.pending?.[0]).toMatchObject({ beta: true, security: false, os: true });
  });

  it('reports a failed update scan as unknown (probe-failed), never as up to date', async () => {
    const r = await check(mac({ 'darwin.softwareupdate-list': rec('darwin.softwareupdate-list', fixture('darwin/softwareupdate-list__error-scan.txt')) }));
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('probe-failed');
    expect(r.reasons).toContain('os_patch.unknown_pendingsecurityupdates');
    expect(r.facts.pendingUpdates).toBeUndefined();
    expect(r.gaps.find((g) => g.fact === 'pendingSecurityUpdates')?.detail).toMatch(/network connection was lost/);
  });

  it('fails macOS 12, which Apple stopped updating when macOS 15 shipped', async () => {
    const r = await check(mac({ 'darwin.sw-vers': rec('darwin.sw-vers', fixture('darwin/sw_vers__macos-12.7.6-arm64-single-tab.txt')) }));
    expect(r.status).toBe('fail');
    expect(r.reasons).toContain('os_patch.os_unsupported');
    expect(r.facts).toMatchObject({ vendorSupported: false, supportEndsOn: '2024-09-16' });
  });

  it('fails a Mac last updated by the OS X 10.9 installer in 2013 (real install history)', async () => {
    const r = await check(
      mac({
        'darwin.sw-vers': rec('darwin.sw-vers', fixture('darwin/sw_vers__macos-11.7.2-single-tab-no-trailing-newline.txt')),
        'darwin.install-history': rec('darwin.install-history', fixture('darwin/InstallHistory-plist-file__osx-10.9-installer-vmware-xprotect.xml')),
      }),
    );
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(expect.arrayContaining(['os_patch.patch_too_old', 'os_patch.os_unsupported']));
    expect(r.facts).toMatchObject({ lastUpdateInstalledAt: '2013-11-12T02:59:35Z', installedUpdateCount: 7 });
  });

  it('is unknown (not-collected) when the bundle lacks the Software Update probe', async () => {
    const r = await check(mac({ 'darwin.softwareupdate-list': undefined }));
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('not-collected');
  });

  it('is unknown (timeout) when Software Update did not answer in time', async () => {
    const r = await check(mac({ 'darwin.softwareupdate-list': rec('darwin.softwareupdate-list', '', { exitCode: null, error: 'timeout', errorDetail: 'no answer after 60000 ms' }) }));
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('timeout');
  });

  it('is unknown (parse-error) for garbage from sw_vers and Software Update, never pass', async () => {
    const garbage = fixture('darwin/sw_vers__synthetic-binary-garbage.bin');
    const r = await check(mac({ 'darwin.sw-vers': rec('darwin.sw-vers', garbage), 'darwin.softwareupdate-list': rec('darwin.softwareupdate-list', garbage) }));
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('parse-error');
  });
});

describe('Windows (replayed from real captures)', () => {
  const now = '2024-05-20T12:00:00Z';
  const notFound = (instance: string): ProbeRecord => rec(`win32.reg-reboot-pending#${instance}`, '', { exitCode: 1, stderr: 'ERROR: The system was unable to find the specified registry key or value.\n' });
  const win = (over: Record<string, ProbeRecord | undefined>, at = now): Bundle =>
    bundle(
      'win32',
      at,
      Object.values({
        'win32.reg-currentversion': rec('win32.reg-currentversion', fixture('win32/reg-query__synthetic-win10-22h2-enterprise-crlf.txt')),
        'win32.get-hotfix': rec('win32.get-hotfix', fixture('win32/get-hotfix__synthetic-agent-json.json')),
        'win32.wu-pending': rec('win32.wu-pending', fixture('win32/wu-pending__synthetic-none-pending.json')),
        'win32.reg-reboot-pending#wu': notFound('wu'),
        'win32.reg-reboot-pending#cbs': notFound('cbs'),
        ...over,
      }).filter((r): r is ProbeRecord => r !== undefined),
    );

  it('passes a patched, supported Windows 10 22H2 Enterprise with nothing pending', async () => {
    const r = await check(win({}), { ...BASELINE_REQUIREMENTS.os_patch, fail_on_reboot_required: true });
    expect(r.status).toBe('pass');
    expect(r.facts).toMatchObject({
      os: { platform: 'win32', name: 'Windows 10 Enterprise', version: '10.0.19045', build: '19045.4096', versionName: '22H2', edition: 'Enterprise' },
      lastUpdateInstalledAt: '2024-05-15',
      installedUpdateCount: 3,
      pendingSecurityUpdates: 0,
      rebootRequired: false,
      vendorSupported: true,
      supportEndsOn: '2025-10-14',
      pendingCheckedAt: '2024-05-20T08:01:02Z',
    });
  });

  it('names Windows 11 from the real registry capture and fails on a pending cumulative update and reboot', async () => {
    const r = await check(
      win({
        'win32.reg-currentversion': rec('win32.reg-currentversion', fixture('win32/reg-query-HKLM-WindowsNT-CurrentVersion__win11-25H2-productname-says-windows-10.txt')),
        'win32.wu-pending': rec('win32.wu-pending', fixture('win32/wu-pending__synthetic-lcu-dotnet-defender.json')),
        'win32.reg-reboot-pending#wu': rec('win32.reg-reboot-pending#wu', fixture('win32/reg-query__synthetic-reboot-required-key.txt')),
      }),
      { ...BASELINE_REQUIREMENTS.os_patch, fail_on_reboot_required: true, fail_on_os_update_pending: true },
    );
    expect(r.status).toBe('fail');
    expect(r.facts.os).toMatchObject({ name: 'Windows 11 Pro', build: '26200.6901', versionName: '25H2', edition: 'Professional' });
    expect(r.facts).toMatchObject({ pendingUpdates: 3, pendingSecurityUpdates: 2, osUpdatePending: true, rebootRequired: true, supportEndsOn: '2027-10-12' });
    expect(r.reasons).toEqual(expect.arrayContaining(['os_patch.security_updates_pending', 'os_patch.reboot_required', 'os_patch.os_update_pending']));
    expect(r.remediation).toMatch(/Settings › Windows Update/);
  });

  it('reads the real Get-HotFix table when that is what the probe returned', async () => {
    const r = await check(win({ 'win32.get-hotfix': rec('win32.get-hotfix', fixture('win32/get-hotfix__msdocs-3-updates.txt')) }), null);
    expect(r.facts).toMatchObject({ lastUpdateInstalledAt: '2019-05-16', installedUpdateCount: 3 });
    expect(r.facts.recentUpdates?.[0]).toEqual({ id: 'KB4495590', description: 'Update', installedAt: '2019-05-16' });
    expect(r.status).toBe('pass');
    expect(r.summary).toMatch(/No patch requirements apply/);
  });

  it('falls back to the UTF-16LE wmic capture when PowerShell is blocked', async () => {
    const r = await check(
      win({
        'win32.get-hotfix': rec('win32.get-hotfix', '', { exitCode: 1, stderr: 'Get-HotFix : Access is denied.\n' }),
        'win32.wmic-qfe': rec('win32.wmic-qfe', fixture('win32/wmic-qfe-list-brief__utf16le-win10-1809.txt')),
      }),
    );
    expect(r.probes).toContain('win32.wmic-qfe');
    expect(r.facts).toMatchObject({ lastUpdateInstalledAt: '2019-03-07', installedUpdateCount: 5 });
    expect(r.status).toBe('fail');
    expect(r.reasons).toContain('os_patch.patch_too_old');
  });

  it('falls back to the German systeminfo (truncated list) and is unknown on patch age: it has no dates', async () => {
    const r = await check(
      win({
        'win32.get-hotfix': rec('win32.get-hotfix', '', { exitCode: null, error: 'timeout' }),
        'win32.wmic-qfe': rec('win32.wmic-qfe', '', { exitCode: null, error: 'not-installed', errorDetail: 'wmic not found' }),
        'win32.systeminfo': rec('win32.systeminfo', fixture('win32/systeminfo__de-DE-win7sp1-263-hotfixes.txt')),
      }),
    );
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('parse-error');
    expect(r.facts).toMatchObject({ installedUpdateCount: 263 });
    expect(r.facts.lastUpdateInstalledAt).toBeUndefined();
  });

  it('reads the GBK-encoded Chinese systeminfo from raw bytes with its code-page hint', async () => {
    const r = await check(
      win({
        'win32.get-hotfix': rec('win32.get-hotfix', '', { exitCode: 1 }),
        'win32.wmic-qfe': rec('win32.wmic-qfe', '', { exitCode: null, error: 'not-installed' }),
        'win32.systeminfo': rec('win32.systeminfo', fixture('win32/systeminfo__zh-CN-gbk-encoded-win10-1809.txt'), { encoding: 'gbk' }),
      }),
      null,
    );
    expect(r.facts.recentUpdates).toEqual([{ id: 'KB4464455' }]);
  });

  it('fails Windows 10 22H2 after its end of support on 2025-10-14', async () => {
    const r = await check(win({}, '2026-11-25T12:00:00Z'), { require_vendor_supported: true });
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['os_patch.os_unsupported']);
    expect(r.summary).toMatch(/support ended 2025-10-14/);
  });

  it('is unknown when the Windows Update search failed, never zero pending', async () => {
    const r = await check(win({ 'win32.wu-pending': rec('win32.wu-pending', fixture('win32/wu-pending__synthetic-search-failed.json')) }));
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('parse-error');
    expect(r.facts.pendingSecurityUpdates).toBeUndefined();
  });
});

