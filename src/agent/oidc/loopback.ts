/**
 * The loopback redirect of a native app (RFC 8252 §7.3): an HTTP listener on 127.0.0.1 at
 * a port the OS picks, that waits for the IdP's redirect to `/callback` and answers the
 * browser with a short page. Nothing but the callback path is served.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PostureError } from '../../shared/errors.js';

export interface LoopbackRedirect {
  /** `http://127.0.0.1:<port>/callback` */
  redirectUri: string;
  /** Resolves with the full callback URL (with `code`, `state`, …) for `state`. @throws PostureError SIGN_IN_FAILED on timeout or abort */
  callback(): Promise<URL>;
  close(): Promise<void>;
}

const PAGE = (title: string, text: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body></html>`;

/** Starts listening; the caller must `close()`. `state` must match the callback's. */
export async function startLoopbackRedirect(state: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<LoopbackRedirect> {
  let resolveCb!: (u: URL) => void;
  let rejectCb!: (e: Error) => void;
  const got = new Promise<URL>((res, rej) => {
    resolveCb = res;
    rejectCb = rej;
  });
  got.catch(() => undefined);
  const server: Server = createServer((req, res) => {
    const port = (server.address() as AddressInfo).port;
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (req.method !== 'GET' || url.pathname !== '/callback') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    // A stray or forged request (another state) must not end the wait.
    if (url.searchParams.get('state') !== state) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE('Sign-in not recognised', 'This sign-in was not started by the posture agent. You can close this window.'));
      return;
    }
    const failed = url.searchParams.has('error');
    res.writeHead(failed ? 400 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(failed ? PAGE('Sign-in failed', 'The identity provider refused the sign-in; see the posture agent for details. You can close this window.') : PAGE('Signed in', 'The posture agent received your sign-in. You can close this window.'));
    resolveCb(url);
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const port = (server.address() as AddressInfo).port;
  const timer = setTimeout(() => rejectCb(new PostureError('SIGN_IN_FAILED', `no sign-in arrived within ${Math.round(opts.timeoutMs / 1000)} s; run posture-agent login again`)), opts.timeoutMs);
  const onAbort = (): void => rejectCb(new PostureError('SIGN_IN_FAILED', 'sign-in cancelled'));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    callback: () => got,
    close: async () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      server.closeAllConnections();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}
