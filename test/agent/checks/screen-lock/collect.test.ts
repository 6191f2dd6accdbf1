import { describe, expect, it } from 'vitest';
import { screenLockCheck } from '../../../../src/agent/checks/screen-lock/index.js';
import type { ProbeRecord } from '../../../../src/shared/bundle.js';
import { BASELINE_REQUIREMENTS, type Requirements } from '../../../../src/shared/requirements.js';
import { runLive } from '../firewall/live.js';
import { absent, bundle, dir, fixture, rec, replay } from '../firewall/replay.js';

const REQ: Requirements = { screen_lock: { required: true, max_idle_seconds: 900 } };

/** A Linux machine with nothing graphical: the desktop probes all come back empty. */
function headless(): ProbeRecord[] {
  return [absent('linux.xsessions', 'dir'), absent('linux.wayland-sessions', 'dir'), absent('linux.x11-sockets', 'dir'), dir('linux.logind-sessions', []), dir('linux.run-user', [])];
}

/** A GNOME Wayland login of uid 1000 with the given gsettings answers. */
function gnome(settings: { lock?: string; idle?: string; delay?: string; lockdown?: string }): ProbeRecord[] {
  const r: ProbeRecord[] = [
    dir('linux.xsessions', ['gnome-xorg.desktop', 'gnome.desktop']),
    dir('linux.wayland-sessions', ['gnome-wayland.desktop', 'gnome.desktop']),
    dir('linux.x11-sockets', ['X0']),
    dir('linux.logind-sessions', ['2', '2.ref']),
    rec('linux.logind-session#2', { kind: 'file', stdout: fixture('screen_lock/linux/logind-session__gnome-wayland.txt') }),
    dir('linux.run-user', ['1000']),
    dir('linux.run-user-dir#1000', ['bus', 'wayland-0', 'wayland-0.lock']),
  ];
  if (settings.lock !== undefined) r.push(rec('linux.gsettings-lock-enabled', { stdout: settings.lock }));
  if (settings.idle !== undefined) r.push(rec('linux.gsettings-idle-delay', { stdout: settings.idle }));
  if (settings.delay !== undefined) r.push(rec('linux.gsettings-lock-delay', { stdout: settings.delay }));
  if (settings.lockdown !== undefined) r.push(rec('linux.gsettings-disable-lock-screen', { stdout: settings.lockdown }));
  return r;
}

function kde(rc: ProbeRecord): ProbeRecord[] {
  return [dir('linux.xsessions', ['plasma.desktop']), absent('linux.wayland-sessions', 'dir'), dir('linux.x11-sockets', ['X0']), dir('linux.logind-sessions', []), dir('linux.run-user', []), rc];
}

describe('screen lock on Linux (replayed, synthetic output)', () => {
  it('passes a positively headless machine: nothing to lock', async () => {
    const r = await replay(screenLockCheck, bundle('linux', headless()), REQ);
    expect(r.status).toBe('pass');
    expect(r.facts).toEqual({ desktop: false });
    expect(r.summary).toBe('No graphical session: nothing to lock.');
    expect(r.reasons).toEqual(['screen_lock.no_desktop']);
  });

  it('is unknown, not headless, when the desktop evidence cannot be read', async () => {
    const records = headless();
    records[0] = rec('linux.xsessions', { kind: 'dir', error: 'io-error' });
    const r = await replay(screenLockCheck, bundle('linux', records), REQ);
    expect(r.status).toBe('unknown');
    expect(r.facts).toEqual({});
  });

  it('passes GNOME locking after 5 minutes', async () => {
    const r = await replay(screenLockCheck, bundle('linux', gnome({ lock: 'true\n', idle: 'uint32 300\n', delay: 'uint32 0\n', lockdown: 'false\n' })), REQ);
    expect(r.status).toBe('pass');
    expect(r.facts).toEqual({ desktop: true, environment: 'gnome', enabled: true, idleTimeoutSeconds: 300, lockDelaySeconds: 0 });
    expect(r.summary).toBe('The screen locks after 5 minutes of inactivity.');
  });

  it('fails GNOME idle 30 minutes against a 15 minute limit, with the gsettings command', async () => {
    const r = await replay(screenLockCheck, bundle('linux', gnome({ lock: 'true\n', idle: 'uint32 1800\n', delay: 'uint32 0\n', lockdown: 'false\n' })), REQ);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['screen_lock.idle_too_long']);
    expect(r.summary).toBe('The screen locks after 30 minutes of inactivity; at most 15 minutes is allowed.');
    expect(r.remediation).toContain('gsettings set org.gnome.desktop.session idle-delay 900');
  });

  it('fails GNOME with the lock turned off', async () => {
    const r = await replay(screenLockCheck, bundle('linux', gnome({ lock: 'false\n', idle: 'uint32 300\n', delay: 'uint32 0\n', lockdown: 'false\n' })), REQ);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['screen_lock.disabled']);
  });

  it('is unknown not-collected when the gsettings answers are missing from the bundle', async () => {
    const r = await replay(screenLockCheck, bundle('linux', gnome({})), REQ);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('not-collected');
  });

  it('reads KDE defaults (lock after 5 minutes + 5 s grace) when kscreenlockerrc does not exist', async () => {
    const r = await replay(screenLockCheck, bundle('linux', kde(absent('linux.kscreenlockerrc'))), REQ);
    expect(r.status).toBe('pass');
    expect(r.facts).toEqual({ desktop: true, environment: 'kde', enabled: true, idleTimeoutSeconds: 300, lockDelaySeconds: 5 });
  });

  it('fails KDE with Autolock off', async () => {
    const r = await replay(screenLockCheck, bundle('linux', kde(rec('linux.kscreenlockerrc', { kind: 'file', stdout: fixture('screen_lock/linux/kscreenlockerrc__autolock-off.ini') }))), REQ);
    expect(r.status).toBe('fail');
    expect(r.remediation).toContain('System Settings > Screen Locking');
  });

  it('says which desktops it does not read instead of guessing', async () => {
    const records = [dir('linux.xsessions', ['xfce.desktop']), absent('linux.wayland-sessions', 'dir'), absent('linux.x11-sockets', 'dir'), dir('linux.logind-sessions', []), dir('linux.run-user', [])];
    const r = await replay(screenLockCheck, bundle('linux', records), REQ);
    expect(r.status).toBe('unknown');
    expect(r.facts).toEqual({ desktop: true, environment: 'xfce' });
    expect(r.gaps[0]?.detail).toContain('xfce');
  });

  it('runs live on this machine with schema-valid facts', async () => {
    // This container has no desktop session types, no X/Wayland sockets and no logind
    // sessions, so it is positively headless: `pass` with `screen_lock.no_desktop`.
    const { result, wallMs, schemaValid } = await runLive(screenLockCheck);
    expect(schemaValid).toBe(true);
    expect(result.gaps.filter((g) => g.reason === 'internal-error')).toEqual([]);
    expect(['pass', 'fail', 'unknown']).toContain(result.status);
    expect(wallMs).toBeLessThan(500);
  });
});

const lockDelay = (f: string) => rec('darwin.sysadminctl-screenlock', { stdout: '', stderr: fixture(f).toString('utf8') });

describe('screen lock on macOS (replayed, synthetic output)', () => {
  it('passes: display sleeps at 10 minutes, screen saver at 10, password after 5 minutes', async () => {
    const b = bundle('darwin', [
      lockDelay('screen_lock/darwin/sysadminctl-screenlock__delay-300.txt'),
      rec('darwin.defaults-screensaver-idletime', { stdout: fixture('screen_lock/darwin/defaults-idletime__600.txt') }),
      rec('darwin.pmset', { stdout: fixture('screen_lock/darwin/pmset-g__displaysleep-10.txt') }),
    ]);
    const r = await replay(screenLockCheck, b, REQ);
    expect(r.facts).toEqual({ desktop: true, environment: 'macos', enabled: true, lockDelaySeconds: 300, idleTimeoutSeconds: 600 });
    expect(r.status).toBe('pass');
  });

  it('uses display sleep as the bound when no screen saver delay is set', async () => {
    const b = bundle('darwin', [
      lockDelay('screen_lock/darwin/sysadminctl-screenlock__immediate.txt'),
      rec('darwin.defaults-screensaver-idletime', { exitCode: 1, stderr: '\nThe domain/default pair of (com.apple.screensaver, idleTime) does not exist\n' }),
      rec('darwin.pmset', { stdout: fixture('screen_lock/darwin/pmset-g__displaysleep-10.txt') }),
    ]);
    const r = await replay(screenLockCheck, b, REQ);
    expect(r.status).toBe('pass');
    expect(r.facts).toMatchObject({ idleTimeoutSeconds: 600, lockDelaySeconds: 0 });
    expect(r.gaps).toEqual([]);
  });

  it('fails when the screen lock is off, pointing to Lock Screen settings', async () => {
    const b = bundle('darwin', [
      lockDelay('screen_lock/darwin/sysadminctl-screenlock__off.txt'),
      rec('darwin.defaults-screensaver-idletime', { stdout: '600\n' }),
      rec('darwin.pmset', { stdout: fixture('screen_lock/darwin/pmset-g__displaysleep-10.txt') }),
    ]);
    const r = await replay(screenLockCheck, b, REQ);
    expect(r.status).toBe('fail');
    expect(r.remediation).toContain('System Settings > Lock Screen');
  });

  it('is unknown timeout when sysadminctl timed out', async () => {
    const b = bundle('darwin', [rec('darwin.sysadminctl-screenlock', { error: 'timeout', exitCode: null }), rec('darwin.defaults-screensaver-idletime', { stdout: '600\n' }), rec('darwin.pmset', { stdout: fixture('screen_lock/darwin/pmset-g__displaysleep-10.txt') })]);
    const r = await replay(screenLockCheck, b, REQ);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('timeout');
  });
});

const regRecord = (key: string, f?: string) => (f ? rec(key, { stdout: fixture(f) }) : rec(key, { exitCode: 1, stdout: '', stderr: 'ERROR: The system was unable to find the specified registry key or value.\r\n' }));

describe('screen lock on Windows (replayed, synthetic output)', () => {
  it('passes a secure screen saver after 10 minutes', async () => {
    const b = bundle('win32', [regRecord('win32.reg-desktop', 'screen_lock/win32/reg-query-desktop__screensaver-secure-600.txt'), regRecord('win32.reg-desktop-policy'), regRecord('win32.reg-inactivity-timeout')]);
    const r = await replay(screenLockCheck, b, REQ);
    expect(r.status).toBe('pass');
    expect(r.facts).toEqual({ desktop: true, environment: 'windows', enabled: true, idleTimeoutSeconds: 600 });
  });

  it('passes on the machine inactivity limit when no screen saver is set', async () => {
    const b = bundle('win32', [regRecord('win32.reg-desktop', 'screen_lock/win32/reg-query-desktop__no-screensaver.txt'), regRecord('win32.reg-desktop-policy'), regRecord('win32.reg-inactivity-timeout', 'screen_lock/win32/reg-query-inactivity__900.txt')]);
    const r = await replay(screenLockCheck, b, REQ);
    expect(r.status).toBe('pass');
    expect(r.facts).toMatchObject({ enabled: true, idleTimeoutSeconds: 900 });
  });

  it('fails when nothing locks the idle session', async () => {
    const b = bundle('win32', [regRecord('win32.reg-desktop', 'screen_lock/win32/reg-query-desktop__no-screensaver.txt'), regRecord('win32.reg-desktop-policy'), regRecord('win32.reg-inactivity-timeout')]);
    const r = await replay(screenLockCheck, b, REQ);
    expect(r.status).toBe('fail');
    expect(r.remediation).toContain('On resume, display logon screen');
  });

  it('is unknown parse-error on garbage from reg', async () => {
    const b = bundle('win32', [rec('win32.reg-desktop', { stdout: '    garbage without a key\n' }), regRecord('win32.reg-desktop-policy'), regRecord('win32.reg-inactivity-timeout')]);
    const r = await replay(screenLockCheck, b, BASELINE_REQUIREMENTS);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('parse-error');
  });
});
