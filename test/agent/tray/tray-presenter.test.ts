import { beforeAll, describe, expect, it } from 'vitest';
import { notificationFor, trayIconFor, trayMenuFor } from '../../../src/agent/tray/tray-presenter.js';
import type { StatusView } from '../../../src/shared/ipc.js';
import { buildScenarios, type ScenarioName } from '../../renderer/scenarios.js';

let s: Record<ScenarioName, StatusView>;
beforeAll(async () => {
  s = await buildScenarios();
});

describe('tray icon', () => {
  it('uses template PNGs on macOS, .ico on Windows and PNG on Linux, one per state', () => {
    expect(trayIconFor(s.failing, 'darwin')).toEqual({ file: 'tray/non_compliantTemplate.png', template: true, tooltip: 'AI Factory Posture: Not compliant' });
    expect(trayIconFor(s.compliant, 'win32')).toEqual({ file: 'tray/compliant.ico', template: false, tooltip: 'AI Factory Posture: Compliant' });
    expect(trayIconFor(s.offline, 'linux').file).toBe('tray/offline.png');
    expect(trayIconFor({ ...s.compliant, state: 'checking' }, 'linux').tooltip).toBe('AI Factory Posture: Checking…');
  });
});

describe('tray menu', () => {
  it('has the state line, one line per failing check, and the actions', () => {
    expect(trayMenuFor(s.failing, { canQuit: true })).toEqual([
      { kind: 'label', label: 'Not compliant' },
      { kind: 'label', label: '✗ Disk encryption: FileVault is off, so the startup disk is not encrypted' },
      { kind: 'separator' },
      { kind: 'action', action: 'check-now', label: 'Check now', enabled: true },
      { kind: 'action', action: 'show-details', label: 'Show details…', enabled: true },
      { kind: 'action', action: 'copy-device-id', label: 'Copy device ID', enabled: true },
      { kind: 'separator' },
      { kind: 'action', action: 'quit', label: 'Quit', enabled: true },
    ]);
  });

  it('hides Quit when managed configuration forbids it', () => {
    expect(trayMenuFor(s.compliant, { canQuit: false }).some((i) => i.kind === 'action' && i.action === 'quit')).toBe(false);
  });

  it('offers enrolment instead of Copy device ID / Check now while unenrolled', () => {
    const items = trayMenuFor(s.unenrolled, { canQuit: true });
    expect(items).toContainEqual({ kind: 'action', action: 'sign-in', label: 'Enrol this device…', enabled: true });
    expect(items).toContainEqual({ kind: 'action', action: 'check-now', label: 'Check now', enabled: false });
    expect(items.some((i) => i.kind === 'action' && i.action === 'copy-device-id')).toBe(false);
  });

  it('offers Sign in… when the MFA check is not passing', () => {
    const mfa = { ...s.compliant, checks: [...s.compliant.checks, { id: 'mfa' as const, title: 'Multi-factor sign-in', status: 'unknown' as const, summary: 'Not signed in.', facts: [], requirement: null, remediation: null }] };
    expect(trayMenuFor(mfa, { canQuit: true })).toContainEqual({ kind: 'action', action: 'sign-in', label: 'Sign in…', enabled: true });
  });
});

describe('notifications', () => {
  it('never notifies for the first view or for checking', () => {
    expect(notificationFor(undefined, s.compliant)).toEqual({ notify: undefined, settled: s.compliant });
    const checking = { ...s.failing, state: 'checking' as const };
    expect(notificationFor(s.compliant, checking)).toEqual({ notify: undefined, settled: s.compliant });
  });

  it('does not notify when nothing changed (e.g. a periodic re-attest)', () => {
    expect(notificationFor(s.compliant, { ...s.compliant, generatedAt: 'later' }).notify).toBeUndefined();
  });

  it('notifies on a state change, naming the resources whose verdict changed', () => {
    const r = notificationFor(s.compliant, s.failing);
    expect(r.notify?.title).toBe('AI Factory Posture: Not compliant');
    expect(r.notify?.body).toBe('Access to training-cluster is blocked: fix disk encryption. training-cluster: blocked');
  });

  it('notifies when a resource verdict changes even if the state does not', () => {
    const more = { ...s.failing, resources: s.failing.resources.map((r) => (r.name === 'jupyter-hub' ? { ...r, decision: 'deny' as const } : r)) };
    expect(notificationFor(s.failing, more).notify).toEqual({ title: 'Access changed', body: `${more.headline} jupyter-hub: blocked` });
  });

  it('compares with the last settled view, so checking in between does not hide a change', () => {
    const settled = notificationFor(s.compliant, { ...s.compliant, state: 'checking' }).settled;
    expect(notificationFor(settled, s.failing).notify).toBeDefined();
  });
});
