import { describe, expect, it } from 'vitest';
import { dispatch, registerIpcHandlers, sendIpcEvent, trustedWindowSender, type IpcHandlers } from '../../src/main/ipc.js';
import type { StatusView } from '../../src/shared/ipc.js';

const PAGE = 'file:///opt/app/resources/app.asar/renderer/index.html';
const VIEW = { state: 'compliant' } as StatusView;

function handlers(log: unknown[] = []): IpcHandlers {
  return {
    'posture:get-status': async () => VIEW,
    'posture:check-now': async () => VIEW,
    'posture:enroll': async (r) => (log.push(r), { ok: true, message: '' }),
    'posture:open-settings': async (r) => (log.push(r), { opened: true }),
    'posture:copy-device-id': async () => ({ copied: true }),
  };
}

type Ev = Parameters<ReturnType<typeof trustedWindowSender>>[0];
const ev = (id: number, url: string, parent: unknown = null): Ev => ({ sender: { id }, senderFrame: { url, parent } }) as unknown as Ev;
const trusted = trustedWindowSender(() => ({ webContentsId: 7, pageUrl: PAGE }));

describe('IPC sender check', () => {
  it('accepts only our window’s main frame showing our page', () => {
    expect(trusted(ev(7, PAGE))).toBe(true);
    expect(trusted(ev(7, `${PAGE}#checks`))).toBe(true);
    expect(trusted(ev(8, PAGE))).toBe(false);
    expect(trusted(ev(7, 'https://evil.example/'))).toBe(false);
    expect(trusted(ev(7, PAGE, {}))).toBe(false);
    expect(trusted({ sender: { id: 7 }, senderFrame: null } as unknown as Ev)).toBe(false);
    expect(trustedWindowSender(() => ({ webContentsId: undefined, pageUrl: PAGE }))(ev(7, PAGE))).toBe(false);
  });
});

describe('IPC dispatch', () => {
  it('runs the handler for a trusted sender with a valid request', async () => {
    const log: unknown[] = [];
    await expect(dispatch('posture:open-settings', handlers(log), trusted, ev(7, PAGE), { url: 'ms-settings:windowsupdate' })).resolves.toEqual({ opened: true });
    expect(log).toEqual([{ url: 'ms-settings:windowsupdate' }]);
  });

  it('rejects untrusted senders before looking at the request', async () => {
    await expect(dispatch('posture:get-status', handlers(), trusted, ev(9, PAGE), null)).rejects.toThrow('IPC posture:get-status rejected: untrusted sender');
  });

  it('rejects requests that fail the contract’s schema', async () => {
    const log: unknown[] = [];
    await expect(dispatch('posture:enroll', handlers(log), trusted, ev(7, PAGE), { code: 'short' })).rejects.toThrow(/invalid request/);
    await expect(dispatch('posture:enroll', handlers(log), trusted, ev(7, PAGE), { code: 'GOODCODE1', extra: 1 })).rejects.toThrow(/invalid request/);
    await expect(dispatch('posture:enroll', handlers(log), trusted, ev(7, PAGE), { code: 'GOODCODE1', serviceUrl: 'javascript:alert(1)' })).rejects.toThrow(/invalid request/);
    await expect(dispatch('posture:get-status', handlers(log), trusted, ev(7, PAGE), { sneaky: true })).rejects.toThrow(/invalid request/);
    expect(log).toEqual([]);
  });

  it('registers one handler per contract channel and removes them all', async () => {
    const registered = new Map<string, (e: unknown, r: unknown) => unknown>();
    const fake = { handle: (c: string, fn: (e: unknown, r: unknown) => unknown) => void registered.set(c, fn), removeHandler: (c: string) => void registered.delete(c) };
    const remove = registerIpcHandlers(fake as never, handlers(), trusted);
    expect([...registered.keys()].sort()).toEqual(['posture:check-now', 'posture:copy-device-id', 'posture:enroll', 'posture:get-status', 'posture:open-settings']);
    // The renderer's `invoke(channel)` without an argument arrives as undefined: treated as null.
    await expect(registered.get('posture:get-status')?.(ev(7, PAGE), undefined)).resolves.toBe(VIEW);
    remove();
    expect(registered.size).toBe(0);
  });

  it('pushes events only to a live window', () => {
    const sent: unknown[] = [];
    sendIpcEvent({ send: (...a: unknown[]) => void sent.push(a), isDestroyed: () => false } as never, 'posture:status-changed', VIEW);
    sendIpcEvent({ send: () => sent.push('dead'), isDestroyed: () => true } as never, 'posture:status-changed', VIEW);
    sendIpcEvent(undefined, 'posture:status-changed', VIEW);
    expect(sent).toEqual([['posture:status-changed', VIEW]]);
  });
});
