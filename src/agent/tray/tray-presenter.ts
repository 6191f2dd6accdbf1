/**
 * Tray decisions from a `StatusView`: which icon file and tooltip, which menu items, and
 * whether a change deserves a notification. Pure; `src/main/tray.ts` only applies them.
 */
import type { Platform } from '../../shared/check-ids.js';
import type { StatusView, TrayState } from '../../shared/ipc.js';

export interface TrayIconSpec {
  /** Path relative to the app's `build/tray/` resources. */
  file: string;
  /** macOS template image (drawn in the menu bar's colour). */
  template: boolean;
  tooltip: string;
}

const STATE_WORDS: Readonly<Record<TrayState, string>> = {
  compliant: 'Compliant',
  warning: 'Compliant, with warnings',
  non_compliant: 'Not compliant',
  offline: 'Offline',
  unenrolled: 'Not enrolled',
  checking: 'Checking…',
};

/** macOS: `<state>Template.png` (+ @2x by convention); Windows: `.ico`; Linux: 32 px PNG. */
export function trayIconFor(view: StatusView, platform: Platform): TrayIconSpec {
  const tooltip = `AI Factory Posture: ${STATE_WORDS[view.state]}`.slice(0, 127); // Windows caps tooltips at 127 chars.
  switch (platform) {
    case 'darwin':
      return { file: `tray/${view.state}Template.png`, template: true, tooltip };
    case 'win32':
      return { file: `tray/${view.state}.ico`, template: false, tooltip };
    case 'linux':
      return { file: `tray/${view.state}.png`, template: false, tooltip };
  }
}

export type MenuAction = 'check-now' | 'show-details' | 'copy-device-id' | 'sign-in' | 'quit';

export type MenuItemSpec = { kind: 'separator' } | { kind: 'label'; label: string } | { kind: 'action'; action: MenuAction; label: string; enabled: boolean };

export interface MenuOptions {
  /** False when managed configuration forbids quitting. */
  canQuit: boolean;
}

/**
 * The context menu: the state line, one line per failing check, then Check now, Show
 * details…, Copy device ID (when enrolled), Sign in… (when MFA is failing or unknown, or
 * unenrolled: it starts the OIDC sign-in in the browser, or opens the enrolment screen)
 * and Quit (unless forbidden).
 */
export function trayMenuFor(view: StatusView, opts: MenuOptions): MenuItemSpec[] {
  const items: MenuItemSpec[] = [{ kind: 'label', label: STATE_WORDS[view.state] }];
  for (const c of view.checks) if (c.status === 'fail') items.push({ kind: 'label', label: `✗ ${c.title}: ${firstSentence(c.summary)}`.slice(0, 100) });
  items.push({ kind: 'separator' });
  items.push({ kind: 'action', action: 'check-now', label: 'Check now', enabled: view.state !== 'checking' && view.state !== 'unenrolled' });
  items.push({ kind: 'action', action: 'show-details', label: 'Show details…', enabled: true });
  if (view.device) items.push({ kind: 'action', action: 'copy-device-id', label: 'Copy device ID', enabled: true });
  const mfa = view.checks.find((c) => c.id === 'mfa');
  if (!view.device || (mfa && mfa.status !== 'pass' && mfa.status !== 'unsupported')) {
    items.push({ kind: 'action', action: 'sign-in', label: view.device ? 'Sign in…' : 'Enrol this device…', enabled: true });
  }
  if (opts.canQuit) items.push({ kind: 'separator' }, { kind: 'action', action: 'quit', label: 'Quit', enabled: true });
  return items;
}

export interface NotificationSpec {
  title: string;
  body: string;
}

/**
 * A notification only when the settled state or a resource's verdict changed since the
 * last settled view; never for `checking` (transient) and never on the first view.
 * Returns the notification (or undefined) and the view to compare the next one with.
 */
export function notificationFor(previous: StatusView | undefined, next: StatusView): { notify: NotificationSpec | undefined; settled: StatusView | undefined } {
  if (next.state === 'checking') return { notify: undefined, settled: previous };
  if (!previous) return { notify: undefined, settled: next };
  const changedResources = next.resources.filter((r) => {
    const before = previous.resources.find((p) => p.name === r.name);
    return before !== undefined && before.decision !== r.decision;
  });
  if (previous.state === next.state && changedResources.length === 0) return { notify: undefined, settled: next };
  const title = previous.state === next.state ? 'Access changed' : `AI Factory Posture: ${STATE_WORDS[next.state]}`;
  const detail = changedResources.map((r) => `${r.name}: ${r.decision === 'allow' ? 'allowed' : 'blocked'}`).join('; ');
  const body = [next.headline, detail].filter(Boolean).join(' ').slice(0, 250);
  return { notify: { title, body }, settled: next };
}

function firstSentence(s: string): string {
  const m = /^(.+?[.!?])(\s|$)/.exec(s);
  return (m?.[1] ?? s).replace(/\.$/, '');
}
