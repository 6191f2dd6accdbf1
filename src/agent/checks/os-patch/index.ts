/** The `os_patch` check: OS version and vendor support, pending and installed updates, pending reboot. */
import type { Platform } from '../../../shared/check-ids.js';
import type { OsPatchFacts } from '../../../shared/facts/os-patch.js';
import { evaluateOsPatch } from '../../../shared/rules/os-patch.js';
import type { CheckDefinition, Collector, ProbeDoc } from '../types.js';
import { collectDarwin } from './darwin.js';
import { collectLinux } from './linux.js';
import { collectWin32 } from './win32.js';

const COLLECTORS: Partial<Record<Platform, Collector<OsPatchFacts>>> = {
  linux: collectLinux,
  darwin: collectDarwin,
  win32: collectWin32,
};

const linux = (id: string, runs: string, gives: string): ProbeDoc => ({ id: `linux.${id}`, platform: 'linux', runs, gives });
const darwin = (id: string, runs: string, gives: string): ProbeDoc => ({ id: `darwin.${id}`, platform: 'darwin', runs, gives });
const win32 = (id: string, runs: string, gives: string): ProbeDoc => ({ id: `win32.${id}`, platform: 'win32', runs, gives });

/** Every probe the os_patch collectors may run. */
export const OS_PATCH_PROBES: readonly ProbeDoc[] = [
  linux('os-release', 'reads `/etc/os-release` (else `/usr/lib/os-release`, instance `usr-lib`)', 'distribution, version, SUPPORT_END'),
  linux('kernel-release', 'reads `/proc/sys/kernel/osrelease`', 'running kernel'),
  linux('reboot-required', 'reads `/var/run/reboot-required`', 'pending reboot (Debian/Ubuntu marker)'),
  linux('modules', 'lists `/lib/modules`', 'installed kernels, to spot a newer one than the running kernel'),
  linux('apt-list-upgradable', '`apt list --upgradable` (cached while dpkg status and apt lists are unchanged)', 'pending and security updates'),
  linux('apt-lists', 'lists `/var/lib/apt/lists`', 'whether a *-security suite is configured, so security updates can be counted'),
  linux('apt-history', 'reads `/var/log/apt/history.log`', 'last upgrade, recent upgrade transactions'),
  linux('dpkg-log', 'reads `/var/log/dpkg.log`', 'last upgrade (covers dpkg -i)'),
  linux('update-notifier', 'reads `/var/lib/update-notifier/updates-available` (only when apt list fails)', 'pending and security update counts'),
  linux('dnf-check-update', '`dnf -C -q check-update` (cache only; exit 100 = updates)', 'pending updates'),
  linux('dnf-updateinfo-security', '`dnf -C -q updateinfo list --security`', 'pending security updates'),
  linux('dnf-rpm-log', 'reads `/var/log/dnf.rpm.log`', 'last upgrade'),
  linux('yum-check-update', '`yum -C -q check-update` (where dnf is absent)', 'pending updates'),
  linux('yum-updateinfo-security', '`yum -C -q updateinfo list security`', 'pending security updates'),
  linux('zypper-list-patches', '`zypper --non-interactive --no-refresh list-patches`', 'needed patches, security patches'),
  linux('zypp-history', 'reads `/var/log/zypp/history`', 'last upgrade'),
  linux('pacman-qu', '`pacman -Qu` (local sync databases)', 'pending updates'),
  linux('pacman-log', 'reads `/var/log/pacman.log`', 'last upgrade'),
  linux('apk-version', "`apk version -l '<'`", 'pending updates'),
  darwin('sw-vers', '`sw_vers`', 'macOS version and build'),
  darwin('softwareupdate-list', '`softwareupdate --list --no-scan` (last scan; no network)', 'pending, security and macOS updates'),
  darwin('install-history', 'reads `/Library/Receipts/InstallHistory.plist`', 'last system update, recent installs'),
  win32('reg-currentversion', '`reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"`', 'Windows version, build.UBR, edition, display version'),
  win32('get-hotfix', 'PowerShell: `Get-HotFix` as JSON (fixed script)', 'installed updates and their dates'),
  win32('wmic-qfe', '`wmic qfe list` (only when PowerShell fails)', 'installed updates and their dates'),
  win32('systeminfo', '`systeminfo` (only when PowerShell and wmic fail)', 'installed update ids'),
  win32('wu-pending', 'PowerShell: Windows Update offline search of the last scan, as JSON (fixed script)', 'pending, security and Windows updates; last scan time'),
  win32('reg-reboot-pending', '`reg query` of WindowsUpdate\\Auto Update\\RebootRequired (`#wu`) and CBS\\RebootPending (`#cbs`)', 'pending reboot'),
];

export const osPatchCheck: CheckDefinition<'os_patch'> = {
  id: 'os_patch',
  title: 'OS patch level',
  probes: OS_PATCH_PROBES,
  collectors: COLLECTORS,
  rule: evaluateOsPatch,
};
