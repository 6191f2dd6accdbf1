import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeDesktop, normaliseDesktop, type DesktopEvidence } from '../../../../src/agent/checks/screen-lock/linux-desktop.js';
import { parseGsettingsValue } from '../../../../src/agent/checks/screen-lock/parse-gsettings.js';
import { parseKScreenLockerRc } from '../../../../src/agent/checks/screen-lock/parse-kscreenlockerrc.js';
import { parseLogindSession } from '../../../../src/agent/checks/screen-lock/parse-logind-session.js';
import { parseDefaultsInteger, parsePmsetDisplaySleep, parseSysadminctlScreenLock } from '../../../../src/agent/checks/screen-lock/parse-macos.js';
import { judgeWindowsScreenLock } from '../../../../src/agent/checks/screen-lock/windows-settings.js';
import { parseRegQuery, type RegKey } from '../../../../src/agent/checks/windows-registry.js';
import { decodeText, type TextEncodingHint } from '../../../../src/agent/exec/decode.js';
import { loadFixtureCases } from '../../../helpers/fixtures.js';
import { fixture } from '../firewall/replay.js';

const PARSERS: Record<string, (text: string) => unknown> = {
  parseGsettingsValue,
  parseKScreenLockerRc,
  parseLogindSession,
  parseSysadminctlScreenLock,
  parseDefaultsInteger,
  parsePmsetDisplaySleep,
  parseRegQuery,
};

const cases = loadFixtureCases('screen_lock');

describe('screen lock parsers over fixtures', () => {
  it('labels every case as synthetic (no real capture exists for these tools)', () => {
    expect(cases.length).toBeGreaterThan(20);
    for (const c of cases) expect(c.source).toMatch(/^synthetic: /);
  });

  it.each(cases.map((c) => [c.name, c] as const))('parses %s to its expected reading', (_name, c) => {
    const parse = PARSERS[c.parser];
    expect(parse, `parser ${c.parser} is mapped`).toBeDefined();
    expect(parse?.(decodeText(c.input, c.encoding as TextEncodingHint | undefined))).toEqual(c.expected);
  });

  it('never throw on random text or bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.uint8Array({ maxLength: 400 }).map((b) => decodeText(b))), (s) => {
        for (const parse of Object.values(PARSERS)) parse(s);
      }),
      { numRuns: 400 },
    );
  });
});

function keys(rel: string): RegKey[] {
  const parsed = parseRegQuery(decodeText(fixture(rel)));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.keys;
}

describe('Windows screen lock judgement', () => {
  it('reads a secure screen saver as a lock after its timeout', () => {
    expect(judgeWindowsScreenLock(keys('screen_lock/win32/reg-query-desktop__screensaver-secure-600.txt'), [], undefined)).toEqual({ enabled: true, idleTimeoutSeconds: 600 });
  });

  it('does not count ScreenSaveActive=1 without a screen saver program as a lock', () => {
    expect(judgeWindowsScreenLock(keys('screen_lock/win32/reg-query-desktop__no-screensaver.txt'), [], undefined)).toEqual({ enabled: false });
  });

  it('takes the machine inactivity limit as a lock, and the earlier of the two', () => {
    const user = keys('screen_lock/win32/reg-query-desktop__screensaver-secure-600.txt');
    expect(judgeWindowsScreenLock(keys('screen_lock/win32/reg-query-desktop__no-screensaver.txt'), [], 900)).toEqual({ enabled: true, idleTimeoutSeconds: 900 });
    expect(judgeWindowsScreenLock(user, [], 300)).toEqual({ enabled: true, idleTimeoutSeconds: 300 });
  });

  it('lets Group Policy values override the user settings', () => {
    const user = keys('screen_lock/win32/reg-query-desktop__screensaver-secure-600.txt');
    const policy: RegKey[] = [{ path: 'HKEY_CURRENT_USER\\Software\\Policies\\Microsoft\\Windows\\Control Panel\\Desktop', values: { ScreenSaverIsSecure: { type: 'REG_SZ', data: '0' } } }];
    expect(judgeWindowsScreenLock(user, policy, undefined)).toEqual({ enabled: false });
  });
});

describe('Linux desktop judgement', () => {
  const none: DesktopEvidence = { sessionFiles: [], x11Sockets: [], waylandSockets: [], graphicalSessionDesktops: [], unreadable: [] };

  it('calls a machine headless only when no desktop is installed or running', () => {
    expect(judgeDesktop(none)).toEqual({ desktop: false });
    expect(judgeDesktop({ ...none, unreadable: ['linux.xsessions'] })).toEqual({ desktop: undefined, why: 'could not read linux.xsessions' });
    expect(judgeDesktop({ ...none, x11Sockets: ['X0'] })).toEqual({ desktop: true });
  });

  it('names the desktop from the logged-in session before the installed ones', () => {
    expect(judgeDesktop({ ...none, sessionFiles: ['gnome.desktop', 'plasma.desktop'], graphicalSessionDesktops: ['KDE'] })).toEqual({ desktop: true, environment: 'kde' });
    expect(judgeDesktop({ ...none, sessionFiles: ['ubuntu.desktop', 'ubuntu-xorg.desktop', 'gnome-xorg.desktop'] })).toEqual({ desktop: true, environment: 'gnome' });
    expect(judgeDesktop({ ...none, sessionFiles: ['gnome.desktop', 'plasma.desktop'] })).toEqual({ desktop: true, ambiguous: ['gnome', 'kde'] });
  });

  it('normalises desktop names', () => {
    expect(['ubuntu:GNOME', 'KDE', 'plasmawayland.desktop', 'xfce.desktop', ''].map(normaliseDesktop)).toEqual(['gnome', 'kde', 'kde', 'xfce', undefined]);
  });
});
