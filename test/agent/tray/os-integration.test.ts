import { describe, expect, it } from 'vitest';
import { autostartDesktopEntry, autostartPath } from '../../../src/agent/tray/autostart.js';
import { networkFingerprint, shouldReattest, TRIGGER_MIN_GAP_MS, watcherAttestAt } from '../../../src/agent/tray/triggers.js';

describe('re-attest triggers', () => {
  const t0 = new Date('2026-11-25T12:00:00Z');
  it('attests on a trigger unless one is running or one started moments ago', () => {
    expect(shouldReattest(undefined, t0, false)).toBe(true);
    expect(shouldReattest(t0, new Date(t0.getTime() + 1000), false)).toBe(false);
    expect(shouldReattest(t0, new Date(t0.getTime() + TRIGGER_MIN_GAP_MS), false)).toBe(true);
    expect(shouldReattest(undefined, t0, true)).toBe(false);
  });

  it('lets a watcher trigger attest 2 s after any attempt (not 15 s), within 6 watcher attestations a minute', () => {
    const at = (ms: number): Date => new Date(t0.getTime() + ms);
    expect(watcherAttestAt([], undefined, t0)).toEqual(t0);
    // An unlock attested 1 s ago: a regression waits 1 s more, not 14.
    expect(watcherAttestAt([], at(-1000), t0)).toEqual(at(1000));
    expect(watcherAttestAt([], at(-TRIGGER_MIN_GAP_MS), t0)).toEqual(t0);
    const six = [-50, -40, -30, -20, -10, -5].map((s) => t0.getTime() + s * 1000);
    expect(watcherAttestAt(six, at(-5000), t0)).toEqual(at(10_000));
  });

  it('fingerprints external addresses only, so a new network changes it and link-local churn does not', () => {
    const home = { lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }], wlan0: [{ address: '192.0.2.10', family: 'IPv4', internal: false }, { address: 'fe80::1', family: 'IPv6', internal: false }] };
    const homeChurn = { ...home, wlan0: [{ address: '192.0.2.10', family: 'IPv4', internal: false }, { address: 'fe80::2', family: 'IPv6', internal: false }] };
    const office = { ...home, wlan0: [{ address: '198.51.100.7', family: 'IPv4', internal: false }] };
    expect(networkFingerprint(home)).toBe('wlan0=192.0.2.10');
    expect(networkFingerprint(homeChurn)).toBe(networkFingerprint(home));
    expect(networkFingerprint(office)).not.toBe(networkFingerprint(home));
  });
});

describe('XDG autostart', () => {
  it('lives in $XDG_CONFIG_HOME/autostart, defaulting to ~/.config', () => {
    expect(autostartPath({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/ada')).toBe('/x/cfg/autostart/ai-factory-posture.desktop');
    expect(autostartPath({ XDG_CONFIG_HOME: 'relative' }, '/home/ada')).toBe('/home/ada/.config/autostart/ai-factory-posture.desktop');
  });

  it('starts the app hidden and refuses paths that would need Exec escaping', () => {
    expect(autostartDesktopEntry('/opt/AI Factory Posture/ai-factory-posture'.replace(/ /g, '-'))).toContain('Exec=/opt/AI-Factory-Posture/ai-factory-posture --hidden\n');
    expect(() => autostartDesktopEntry('/tmp/a b;rm')).toThrow(/unusual path/);
  });
});
