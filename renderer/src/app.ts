/** The status window's entry point: fetch the view, render it, follow pushes. */
import type { PostureApi, StatusView } from '../../src/shared/ipc.js';
import { h } from './dom.js';
import { renderStatus } from './view.js';

declare global {
  interface Window {
    readonly postureApi?: PostureApi;
  }
}

function start(): void {
  const main = document.getElementById('content');
  if (!main) return;
  const api = window.postureApi;
  if (!api) {
    main.replaceChildren(h('p', { class: 'error', role: 'alert' }, 'This window must be opened by the AI Factory Posture app.'));
    main.removeAttribute('aria-busy');
    return;
  }
  const refresh = (view: StatusView): void => {
    // Keep focus where the person was when the same control still exists after re-rendering.
    const focusedId = document.activeElement instanceof HTMLElement ? document.activeElement.id : '';
    main.replaceChildren(renderStatus(view, { api, refresh }));
    main.removeAttribute('aria-busy');
    document.body.dataset.state = view.state;
    if (focusedId) document.getElementById(focusedId)?.focus();
  };
  api.onStatusChanged(refresh);
  void api.getStatus().then(refresh, (e: unknown) => {
    main.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Could not read the device status: ${e instanceof Error ? e.message : String(e)}`));
  });
}

start();
