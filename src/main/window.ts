/** The status window: locked-down web preferences, no navigation, no new windows. */
import { BrowserWindow, shell } from 'electron';
import { pathToFileURL } from 'node:url';

export interface StatusWindowPaths {
  /** Absolute path of `renderer/index.html`. */
  page: string;
  /** Absolute path of the compiled preload (`dist/src/preload/index.cjs`). */
  preload: string;
}

/** The page URL the IPC sender check compares with. */
export function pageUrlOf(paths: StatusWindowPaths): string {
  return pathToFileURL(paths.page).href;
}

export function createStatusWindow(paths: StatusWindowPaths): BrowserWindow {
  const win = new BrowserWindow({
    width: 760,
    height: 760,
    minWidth: 480,
    minHeight: 400,
    show: false,
    title: 'AI Factory Posture',
    autoHideMenuBar: true,
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  const contents = win.webContents;
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // Links in the page never open inside the app; https links go to the browser.
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void win.loadFile(paths.page);
  win.once('ready-to-show', () => win.show());
  return win;
}
