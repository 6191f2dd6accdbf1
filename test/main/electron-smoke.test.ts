/**
 * Launches the real app with a real Electron binary through Playwright's `_electron`.
 * The binary cannot be downloaded on our machines or in CI, so this runs only where
 * ELECTRON_OVERRIDE_DIST_PATH points at an unpacked Electron 45 (`dist/` folder), and is
 * skipped with that one-line reason elsewhere. It needs `npm run build` first.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = process.env.ELECTRON_OVERRIDE_DIST_PATH;
const BINARY = DIST ? join(DIST, process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron') : undefined;
const reason = !DIST ? 'ELECTRON_OVERRIDE_DIST_PATH is not set (no Electron binary: it cannot be downloaded here)' : !BINARY || !existsSync(BINARY) ? `no Electron binary at ${BINARY}` : '';

describe.skipIf(reason !== '')(`Electron smoke test${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('starts the tray app, opens a sandboxed status window and renders the unenrolled screen', async () => {
    const home = mkdtempSync(join(tmpdir(), 'posture-electron-'));
    const app = await _electron.launch({ executablePath: BINARY as string, args: [ROOT, '--no-sandbox'], env: { ...process.env, POSTURE_AGENT_HOME: home, XDG_CONFIG_HOME: home } });
    try {
      const page = await app.firstWindow();
      await page.getByRole('heading', { level: 1 }).waitFor({ timeout: 30_000 });
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Not enrolled');
      // The bridge is the only thing the page sees: no Node, no require.
      expect(await page.evaluate(() => [typeof (window as unknown as { require?: unknown }).require, typeof (window as unknown as { process?: unknown }).process, Object.keys((window as unknown as { postureApi: object }).postureApi).sort()])).toEqual([
        'undefined',
        'undefined',
        ['checkNow', 'copyDeviceId', 'enroll', 'getStatus', 'onStatusChanged', 'openSettings'],
      ]);
      // The main process holds one tray-app window that cannot navigate away.
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    } finally {
      await app.close();
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
