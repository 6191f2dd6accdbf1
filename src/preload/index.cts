/**
 * The preload bridge: the only renderer-side code that touches `ipcRenderer`. It runs
 * sandboxed (CommonJS, `electron` is the only module it may require), so it imports the
 * contract for types only; every channel string below is checked against `IpcContract`.
 */
import type { IpcChannel, IpcEvents, IpcRequest, IpcResponse, PostureApi, POSTURE_API_GLOBAL } from '../shared/ipc.js';
import electron = require('electron');

function invoke<C extends IpcChannel>(channel: C, request: IpcRequest<C>): Promise<IpcResponse<C>> {
  return electron.ipcRenderer.invoke(channel, request) as Promise<IpcResponse<C>>;
}

const api: PostureApi = {
  getStatus: () => invoke('posture:get-status', null),
  checkNow: () => invoke('posture:check-now', null),
  enroll: (request) => invoke('posture:enroll', request),
  openSettings: (request) => invoke('posture:open-settings', request),
  copyDeviceId: () => invoke('posture:copy-device-id', null),
  onStatusChanged(listener) {
    const channel: keyof IpcEvents = 'posture:status-changed';
    const wrapped = (_event: unknown, view: IpcEvents['posture:status-changed']): void => listener(view);
    electron.ipcRenderer.on(channel, wrapped);
    return () => {
      electron.ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

const globalName: typeof POSTURE_API_GLOBAL = 'postureApi';
electron.contextBridge.exposeInMainWorld(globalName, Object.freeze(api));
