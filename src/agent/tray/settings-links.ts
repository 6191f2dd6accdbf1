/**
 * OS settings pages the status window may open, per platform and check. This table is
 * also the main process's allow-list: `isAllowedSettingsUrl` refuses any other URL, so a
 * compromised renderer cannot make the app open arbitrary links or files.
 */
import type { CheckId, Platform } from '../../shared/check-ids.js';
import type { SettingsLink } from '../../shared/ipc.js';

export const SETTINGS_LINKS: Readonly<Record<Platform, Partial<Record<CheckId, SettingsLink>>>> = {
  darwin: {
    os_patch: { url: 'x-apple.systempreferences:com.apple.preferences.softwareupdate', label: 'Open Software Update' },
    disk_encryption: { url: 'x-apple.systempreferences:com.apple.preference.security?FileVault', label: 'Open FileVault settings' },
    firewall: { url: 'x-apple.systempreferences:com.apple.preference.security?Firewall', label: 'Open Firewall settings' },
    screen_lock: { url: 'x-apple.systempreferences:com.apple.Lock-Screen-Settings.extension', label: 'Open Lock Screen settings' },
    mdm: { url: 'x-apple.systempreferences:com.apple.preferences.configurationprofiles', label: 'Open Device Management' },
  },
  win32: {
    os_patch: { url: 'ms-settings:windowsupdate', label: 'Open Windows Update' },
    disk_encryption: { url: 'ms-settings:deviceencryption', label: 'Open Device encryption settings' },
    edr: { url: 'windowsdefender://threat/', label: 'Open Virus & threat protection' },
    firewall: { url: 'windowsdefender://network/', label: 'Open Firewall & network protection' },
    screen_lock: { url: 'ms-settings:lockscreen', label: 'Open Lock screen settings' },
    mdm: { url: 'ms-settings:workplace', label: 'Open Access work or school' },
  },
  // Linux desktops have no common settings URL scheme; remediation text names the panel.
  linux: {},
};

/** The settings page for a check on a platform, or null when there is none. */
export function settingsLinkFor(platform: Platform, check: CheckId): SettingsLink | null {
  return SETTINGS_LINKS[platform][check] ?? null;
}

/** True only for a URL in this platform's table, compared exactly. */
export function isAllowedSettingsUrl(platform: Platform, url: string): boolean {
  return Object.values(SETTINGS_LINKS[platform]).some((l) => l.url === url);
}
