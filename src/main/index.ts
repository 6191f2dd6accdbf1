/**
 * The Electron main process: wires the agent core and the pure tray presenters to
 * Electron. Every decision (state, icon, menu, notifications, settings precedence,
 * deep-link allow-list) lives in `src/agent/tray` and `src/agent/config`; each Electron
 * call here is a few lines.
 */
import { type BrowserWindow, Notification, app, clipboard, ipcMain, powerMonitor, safeStorage, shell } from 'electron';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir, networkInterfaces, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attestOnce, enrollDevice, lastRequirements } from '../agent/attest.js';
import { collectLive } from '../agent/collect.js';
import { loginAndAttest } from '../agent/oidc/login.js';
import { effectiveSettings, type EffectiveSettings } from '../agent/config/managed-config.js';
import { agentStateDir } from '../agent/config/paths.js';
import { FileKeyStore } from '../agent/identity/key-store.js';
import { currentPlatform } from '../agent/platform.js';
import { loadAgentState } from '../agent/state/agent-state.js';
import { autostartDesktopEntry, autostartPath } from '../agent/tray/autostart.js';
import { isAllowedSettingsUrl } from '../agent/tray/settings-links.js';
import { isAllowedSignInUrl } from '../agent/tray/sign-in-url.js';
import { buildStatusView } from '../agent/tray/status-view.js';
import { TrayController } from '../agent/tray/tray-controller.js';
import { notificationFor, trayIconFor, trayMenuFor, type MenuAction } from '../agent/tray/tray-presenter.js';
import { networkFingerprint, type ReattestTrigger } from '../agent/tray/triggers.js';
import { attestWithWatchBaseline, collectWatched, createPostureWatcher, DEFAULT_WATCH_INTERVAL_MS } from '../agent/watch/index.js';
import type { Requirements } from '../shared/requirements.js';
import type { StatusView } from '../shared/ipc.js';
import { registerIpcHandlers, sendIpcEvent, trustedWindowSender } from './ipc.js';
import { readManagedConfig, readUserSettings } from './managed-config-source.js';
import { SafeStorageKeyStore } from './safe-storage-key-store.js';
import { PostureTray } from './tray.js';
import { createStatusWindow, pageUrlOf, type StatusWindowPaths } from './window.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const WINDOW_PATHS: StatusWindowPaths = { page: join(ROOT, 'renderer', 'index.html'), preload: join(ROOT, 'dist', 'src', 'preload', 'index.cjs') };
// Packaged: electron-builder's extraResources copy build/tray next to app.asar.
const TRAY_RESOURCES = app.isPackaged ? join(process.resourcesPath, 'build') : join(ROOT, 'build');
const NETWORK_POLL_MS = 30_000;

const platform = currentPlatform();
if (!platform) {
  console.error(`AI Factory Posture does not support ${process.platform}`);
  app.exit(1);
} else if (!app.requestSingleInstanceLock()) {
  // Another instance owns the tray; it shows its window on 'second-instance'.
  app.exit(0);
} else {
  void app.whenReady().then(() => main(platform));
}

async function main(platform: NonNullable<ReturnType<typeof currentPlatform>>): Promise<void> {
  const stateDir = agentStateDir({ platform, env: process.env, homedir: homedir() });
  const settings = effectiveSettings(await readUserSettings(stateDir), await readManagedConfig(platform, safeUser()));
  await applyStartAtLogin(settings, platform);

  // The device key, encrypted with safeStorage; the headless agent's 0600 key file, if any,
  // is migrated into it when first loaded.
  const keyStore = new SafeStorageKeyStore({ path: join(stateDir, 'device-key.safe.json'), encryption: safeStorage, migrateFrom: new FileKeyStore(join(stateDir, 'device-key.json')) });
  const paths = { stateDir, platform, keyStore };

  let window: BrowserWindow | undefined;
  let settled: StatusView | undefined;
  const currentView = (): StatusView =>
    buildStatusView(controller.model, {
      now: new Date(),
      platform,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      ...(settings.settings.serviceUrl ? { serviceUrl: settings.settings.serviceUrl } : {}),
      serviceUrlLocked: settings.locked.includes('serviceUrl'),
    });

  // Between attestations, re-read EDR, disk encryption and firewall every few seconds and
  // re-attest when one changes (DESIGN §10), judged against the requirements the baseline was.
  let watchRequirements: Requirements | undefined;
  const watcher = createPostureWatcher({
    collect: () => collectWatched({ platform, ...(watchRequirements ? { requirements: watchRequirements } : {}) }),
    intervalMs: DEFAULT_WATCH_INTERVAL_MS[platform],
    onChange: () => void controller.trigger('watcher'),
  });

  const controller = new TrayController({
    loadState: () => loadAgentState(stateDir),
    attest: async () => {
      // No watcher reading while attesting, as in the daemon (run-watch pause/resume): on
      // Windows a tick would run beside the attestation's own cheap reading and PowerShell.
      watcher.stop();
      try {
        const requirements = lastRequirements(await loadAgentState(stateDir).catch(() => undefined));
        // Windows: the watcher's baseline is a cheap reading taken just before (see agent/watch/baseline.ts).
        const { outcome, baseline } = await attestWithWatchBaseline({
          platform,
          attest: () => attestOnce(paths),
          read: () => collectWatched({ platform, ...(requirements ? { requirements } : {}) }),
        });
        watchRequirements = requirements;
        if (baseline) watcher.setBaseline(baseline);
        return outcome;
      } finally {
        // Without a baseline yet (no attestation has succeeded), a tick reads nothing.
        watcher.start();
      }
    },
    enroll: (url, code) => enrollDevice(paths, url, code),
    collectLocal: async (agent) => {
      const requirements = lastRequirements(agent);
      return (await collectLive({ platform, cacheDir: join(stateDir, 'probe-cache'), ...(requirements ? { requirements } : {}), ...(settings.settings.mfaIssuer ? { settings: { mfaIssuer: settings.settings.mfaIssuer } } : {}) })).report;
    },
    now: () => new Date(),
    random: Math.random,
    setTimer: (fn, ms) => {
      const t = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(t) };
    },
    onChange: () => render(),
  });

  const showWindow = (): void => {
    if (!window || window.isDestroyed()) {
      window = createStatusWindow(WINDOW_PATHS);
      window.on('closed', () => (window = undefined));
    } else window.show();
    window.focus();
  };

  const onMenu = (action: MenuAction): void => {
    switch (action) {
      case 'check-now':
        void controller.attestNow(true);
        return;
      case 'show-details':
        showWindow();
        return;
      case 'sign-in':
        if (!controller.model.agent) {
          showWindow(); // not enrolled: the window's enrolment screen
          return;
        }
        // OIDC sign-in in the system browser (RFC 8252), then an attestation that carries it.
        void loginAndAttest(paths, {
          onUrl: async (url) => {
            if (!isAllowedSignInUrl(url)) throw new Error('refusing to open a sign-in URL that is not https');
            await shell.openExternal(url);
          },
        })
          .then(() => controller.attestNow(false))
          .catch((e: unknown) => {
            if (Notification.isSupported()) new Notification({ title: 'Sign-in failed', body: e instanceof Error ? e.message.slice(0, 200) : String(e) }).show();
          });
        return;
      case 'copy-device-id':
        if (controller.model.agent) clipboard.writeText(controller.model.agent.deviceId);
        return;
      case 'quit':
        app.exit(0);
        return;
    }
  };

  const initial = currentView();
  const tray = new PostureTray(TRAY_RESOURCES, trayIconFor(initial, platform), onMenu);

  function render(): void {
    const view = currentView();
    tray.update(trayIconFor(view, platform), trayMenuFor(view, { canQuit: settings.settings.allowQuit }));
    sendIpcEvent(window?.webContents, 'posture:status-changed', view);
    const { notify, settled: next } = notificationFor(settled, view);
    settled = next;
    if (notify && settings.settings.notifications && Notification.isSupported()) new Notification({ title: notify.title, body: notify.body, silent: false }).show();
  }

  registerIpcHandlers(
    ipcMain,
    {
      'posture:get-status': async () => currentView(),
      'posture:check-now': async () => {
        await controller.attestNow(true);
        return currentView();
      },
      'posture:enroll': async ({ code, serviceUrl }) => {
        const url = settings.locked.includes('serviceUrl') ? settings.settings.serviceUrl : (serviceUrl ?? settings.settings.serviceUrl);
        if (!url) return { ok: false, message: 'No service URL: enter the address your administrator gave you.' };
        return controller.enroll(url, code);
      },
      'posture:open-settings': async ({ url }) => {
        if (!isAllowedSettingsUrl(platform, url)) return { opened: false };
        await shell.openExternal(url);
        return { opened: true };
      },
      'posture:copy-device-id': async () => {
        const id = controller.model.agent?.deviceId;
        if (id) clipboard.writeText(id);
        return { copied: id !== undefined };
      },
    },
    trustedWindowSender(() => ({ webContentsId: window?.webContents.id, pageUrl: pageUrlOf(WINDOW_PATHS) })),
  );

  // Re-attest on resume, unlock and network changes (DESIGN §10).
  const trigger = (reason: ReattestTrigger): void => void controller.trigger(reason);
  powerMonitor.on('resume', () => trigger('resume'));
  powerMonitor.on('unlock-screen', () => trigger('unlock-screen'));
  powerMonitor.on('user-did-become-active', () => trigger('user-did-become-active'));
  let network = networkFingerprint(networkInterfaces());
  setInterval(() => {
    const next = networkFingerprint(networkInterfaces());
    if (next !== network) trigger('network-change');
    network = next;
  }, NETWORK_POLL_MS).unref();

  app.on('second-instance', showWindow);
  // A tray app stays alive with no window open.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', () => {
    watcher.stop();
    controller.stop();
    tray.destroy();
  });
  if (!process.argv.includes('--hidden')) showWindow();
  // With a managed enrolment code and no enrolment yet, enrol without asking anyone.
  await controller.start();
  if (!controller.model.agent && settings.settings.enrollmentCode && settings.settings.serviceUrl) {
    await controller.enroll(settings.settings.serviceUrl, settings.settings.enrollmentCode);
  }
}

async function applyStartAtLogin(settings: EffectiveSettings, platform: string): Promise<void> {
  const open = settings.settings.startAtLogin;
  if (platform !== 'linux') {
    app.setLoginItemSettings({ openAtLogin: open, args: ['--hidden'] });
    return;
  }
  const file = autostartPath(process.env, homedir());
  if (!open) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, autostartDesktopEntry(process.env.APPIMAGE ?? process.execPath), { mode: 0o644 });
}

function safeUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
