/**
 * The ONLY mock in the renderer tests: a stand-in for the preload bridge. It has the
 * preload's exact type (`PostureApi`), answers with a StatusView the real presenter built,
 * and records every call in `window.__postureCalls` so tests assert what the page asked for.
 * It runs inside the page (serialised by Playwright), so it must not close over imports.
 */
import type { EnrollResult, PostureApi, StatusView } from '../../src/shared/ipc.js';

export interface FakeBridgeInput {
  view: StatusView;
  enrollResult: EnrollResult;
}

export interface RecordedCall {
  method: keyof PostureApi;
  request: unknown;
}

/** Installs `window.postureApi` (in the page, before its scripts run). */
export function installFakeBridge(input: FakeBridgeInput): void {
  const calls: RecordedCall[] = [];
  const listeners: ((v: StatusView) => void)[] = [];
  const record = (method: keyof PostureApi, request: unknown = null): void => {
    calls.push({ method, request });
  };
  const api: PostureApi = {
    getStatus: async () => (record('getStatus'), input.view),
    checkNow: async () => (record('checkNow'), input.view),
    enroll: async (request) => (record('enroll', request), input.enrollResult),
    openSettings: async (request) => (record('openSettings', request), { opened: true }),
    copyDeviceId: async () => (record('copyDeviceId'), { copied: true }),
    onStatusChanged: (listener) => {
      record('onStatusChanged');
      listeners.push(listener);
      return () => listeners.splice(listeners.indexOf(listener), 1);
    },
  };
  Object.defineProperty(window, 'postureApi', { value: Object.freeze(api), configurable: false, writable: false });
  Object.defineProperty(window, '__postureCalls', { value: calls });
  Object.defineProperty(window, '__pushStatus', { value: (v: StatusView) => listeners.forEach((l) => l(v)) });
}
