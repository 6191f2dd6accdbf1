/** The `screen_lock` check: does an unattended screen lock itself soon enough? */
import { evaluateScreenLock } from '../../../shared/rules/screen-lock.js';
import type { CheckDefinition } from '../types.js';
import { collectDarwinScreenLock } from './darwin.js';
import { collectLinuxScreenLock } from './linux.js';
import { collectWin32ScreenLock } from './win32.js';

export const screenLockCheck: CheckDefinition<'screen_lock'> = {
  id: 'screen_lock',
  title: 'Screen lock',
  probes: [
    { id: 'linux.xsessions', platform: 'linux', runs: 'list `/usr/share/xsessions`', gives: 'installed X11 desktop sessions' },
    { id: 'linux.wayland-sessions', platform: 'linux', runs: 'list `/usr/share/wayland-sessions`', gives: 'installed Wayland desktop sessions' },
    { id: 'linux.x11-sockets', platform: 'linux', runs: 'list `/tmp/.X11-unix`', gives: 'running X servers' },
    { id: 'linux.logind-sessions', platform: 'linux', runs: 'list `/run/systemd/sessions`', gives: 'logged-in sessions' },
    { id: 'linux.logind-session', platform: 'linux', runs: 'read `/run/systemd/sessions/<id>` (one per session)', gives: 'session TYPE (x11/wayland/tty) and DESKTOP' },
    { id: 'linux.run-user', platform: 'linux', runs: 'list `/run/user`', gives: 'users with a runtime directory' },
    { id: 'linux.run-user-dir', platform: 'linux', runs: 'list `/run/user/<uid>` (one per user)', gives: 'Wayland compositor sockets' },
    { id: 'linux.gsettings-lock-enabled', platform: 'linux', runs: '`gsettings get org.gnome.desktop.screensaver lock-enabled`', gives: 'GNOME locks when the screen blanks' },
    { id: 'linux.gsettings-idle-delay', platform: 'linux', runs: '`gsettings get org.gnome.desktop.session idle-delay`', gives: 'GNOME idle seconds before blanking' },
    { id: 'linux.gsettings-lock-delay', platform: 'linux', runs: '`gsettings get org.gnome.desktop.screensaver lock-delay`', gives: 'GNOME grace seconds before the lock' },
    { id: 'linux.gsettings-disable-lock-screen', platform: 'linux', runs: '`gsettings get org.gnome.desktop.lockdown disable-lock-screen`', gives: 'GNOME lock screen disabled by lockdown' },
    { id: 'linux.kscreenlockerrc', platform: 'linux', runs: 'read `~/.config/kscreenlockerrc`', gives: 'KDE Autolock, Timeout, LockGrace' },
    { id: 'darwin.sysadminctl-screenlock', platform: 'darwin', runs: '`sysadminctl -screenLock status`', gives: 'password required after sleep/screen saver: immediately, after N seconds, or off' },
    { id: 'darwin.defaults-screensaver-idletime', platform: 'darwin', runs: '`defaults -currentHost read com.apple.screensaver idleTime`', gives: 'screen saver start delay' },
    { id: 'darwin.pmset', platform: 'darwin', runs: '`pmset -g`', gives: 'display sleep minutes' },
    { id: 'win32.reg-desktop', platform: 'win32', runs: '`reg query "HKCU\\Control Panel\\Desktop"`', gives: 'ScreenSaveActive, ScreenSaverIsSecure, ScreenSaveTimeOut, SCRNSAVE.EXE' },
    { id: 'win32.reg-desktop-policy', platform: 'win32', runs: '`reg query "HKCU\\Software\\Policies\\Microsoft\\Windows\\Control Panel\\Desktop"`', gives: 'the same values set by Group Policy' },
    { id: 'win32.reg-inactivity-timeout', platform: 'win32', runs: '`reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System /v InactivityTimeoutSecs`', gives: 'machine inactivity limit' },
  ],
  collectors: { linux: collectLinuxScreenLock, darwin: collectDarwinScreenLock, win32: collectWin32ScreenLock },
  rule: evaluateScreenLock,
};
