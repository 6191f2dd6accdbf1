/**
 * The main-side IPC wrapper: the only place that touches `ipcMain` / `webContents.send`.
 * Every handler is typed by `IpcContract`, runs only for the trusted window (sender check),
 * and only with a request that passed its schema. Electron is imported for types only,
 * so this module is unit-tested without the Electron binary.
 */
import { Value } from '@sinclair/typebox/value';
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_REQUEST_SCHEMAS, type IpcChannel, type IpcEventChannel, type IpcEvents, type IpcRequest, type IpcResponse } from '../shared/ipc.js';

export type IpcHandlers = { [C in IpcChannel]: (request: IpcRequest<C>) => Promise<IpcResponse<C>> };

/** Decides whether an invoke comes from our own window, showing our own page. */
export type SenderCheck = (event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>) => boolean;

/**
 * A sender check for one window: the sender must be that window's webContents, the
 * frame its main frame, and the frame's URL exactly the renderer page (no navigation,
 * no iframes, no other origin).
 */
export function trustedWindowSender(expected: () => { webContentsId: number | undefined; pageUrl: string }): SenderCheck {
  return (event) => {
    const { webContentsId, pageUrl } = expected();
    const frame = event.senderFrame;
    if (!frame || webContentsId === undefined || event.sender.id !== webContentsId) return false;
    if (frame.parent !== null) return false;
    return stripHash(frame.url) === pageUrl;
  };
}

function stripHash(url: string): string {
  const i = url.indexOf('#');
  return i < 0 ? url : url.slice(0, i);
}

export class IpcRejected extends Error {
  constructor(readonly channel: string, reason: string) {
    super(`IPC ${channel} rejected: ${reason}`);
    this.name = 'IpcRejected';
  }
}

/** Registers every handler; returns a function that removes them. */
export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, handlers: IpcHandlers, isTrusted: SenderCheck): () => void {
  const channels = Object.keys(handlers) as IpcChannel[];
  for (const channel of channels) {
    ipcMain.handle(channel, (event, request: unknown) => dispatch(channel, handlers, isTrusted, event, request ?? null));
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/** One invoke: sender check, schema check, then the handler. @throws IpcRejected */
export async function dispatch<C extends IpcChannel>(channel: C, handlers: IpcHandlers, isTrusted: SenderCheck, event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, request: unknown): Promise<IpcResponse<C>> {
  if (!isTrusted(event)) throw new IpcRejected(channel, 'untrusted sender');
  if (!Value.Check(IPC_REQUEST_SCHEMAS[channel], request)) throw new IpcRejected(channel, 'invalid request');
  const handler = handlers[channel] as (r: IpcRequest<C>) => Promise<IpcResponse<C>>;
  return handler(request as IpcRequest<C>);
}

/** Pushes an event to a window if it is still alive. */
export function sendIpcEvent<E extends IpcEventChannel>(contents: Pick<WebContents, 'send' | 'isDestroyed'> | undefined, channel: E, payload: IpcEvents[E]): void {
  if (contents && !contents.isDestroyed()) contents.send(channel, payload);
}
