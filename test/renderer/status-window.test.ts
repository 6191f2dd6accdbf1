/**
 * The status window in real headless Chromium: the built renderer served from 127.0.0.1,
 * fed by real agent-core reports (replayed macOS bundles → reducer → presenter). The
 * preload bridge is the only thing mocked (see fake-bridge.ts). Screenshots of every
 * state in both themes go to test-artifacts/screenshots/<state>-<theme>.png.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusView } from '../../src/shared/ipc.js';
import { buildRenderer, chromiumComponent, launchChromium, ROOT, serveRenderer } from './chromium.js';
import { installFakeBridge, type RecordedCall } from './fake-bridge.js';
import { buildScenarios, type ScenarioName } from './scenarios.js';

const chromium = chromiumComponent();
const SHOTS = join(ROOT, 'test-artifacts', 'screenshots');

describe.skipIf(!chromium.available)(`status window in headless Chromium${chromium.available ? '' : ` (skipped: ${chromium.reason})`}`, () => {
  let scenarios: Record<ScenarioName, StatusView>;
  let server: Awaited<ReturnType<typeof serveRenderer>>;
  let browser: { context: BrowserContext; close: () => Promise<void> };

  beforeAll(async () => {
    buildRenderer();
    scenarios = await buildScenarios();
    server = await serveRenderer();
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens the window for a scenario; fails the test on any page error or CSP violation. */
  async function open(name: ScenarioName, theme: 'light' | 'dark' = 'light', enrollResult = { ok: true, message: '' }): Promise<Page> {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await page.emulateMedia({ colorScheme: theme });
    await page.addInitScript(installFakeBridge, { view: scenarios[name], enrollResult });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(server.url);
    await page.locator('main[aria-busy]').waitFor({ state: 'detached' }).catch(() => undefined);
    await page.getByRole('heading', { level: 1 }).waitFor();
    (page as Page & { problems: string[] }).problems = problems;
    return page;
  }

  const problemsOf = (page: Page): string[] => (page as Page & { problems: string[] }).problems;
  const calls = (page: Page): Promise<RecordedCall[]> => page.evaluate(() => (window as unknown as { __postureCalls: RecordedCall[] }).__postureCalls);

  /** Tab through the page and name each focused control. */
  async function focusOrder(page: Page, steps: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < steps; i++) {
      await page.keyboard.press('Tab');
      out.push(await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return 'body';
        const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : undefined;
        return `${el.tagName.toLowerCase()}:${(label ?? el.textContent ?? '').trim()}`;
      }));
    }
    return out;
  }

  async function shoot(page: Page, state: string, theme: string): Promise<string> {
    const file = join(SHOTS, `${state}-${theme}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  }

  it('compliant: says so in one sentence, lists every resource as allowed and every check as passed', async () => {
    const page = await open('compliant');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Compliant');
    await expect(page.getByRole('status').textContent()).resolves.toBe('This device meets the policy: all 3 resources are allowed.');
    const resources = page.getByRole('region', { name: 'AI-factory resources' }).getByRole('listitem');
    await expect(resources.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).resolves.toEqual(['jupyter-hub: allowed', 'model-registry: allowed', 'training-cluster: allowed']);
    const checks = page.getByRole('region', { name: 'Checks on this device' }).getByRole('article');
    await expect(checks.count()).resolves.toBe(3);
    await expect(checks.locator('.badge').allTextContents()).resolves.toEqual(['Passed', 'Passed', 'Passed']);
    await expect(page.getByRole('article', { name: 'Disk encryption' }).textContent()).resolves.toContain('Policy: Requires the system disk to be fully encrypted.');
    await expect(page.getByRole('article', { name: 'Screen lock' }).textContent()).resolves.toContain('Password required after5 min');
    await expect(page.getByText('Access token valid until:').textContent()).resolves.toMatch(/2 Jun 2025, 09:10/);
    await expect(page.getByRole('button', { name: /Open .* settings/ }).count()).resolves.toBe(0);
    await expect(focusOrder(page, 3)).resolves.toEqual(['a:Skip to content', 'button:Check now', 'button:Copy device ID']);
    await page.getByRole('button', { name: 'Copy device ID' }).click();
    await expect(page.getByRole('button', { name: 'Device ID copied' }).count()).resolves.toBe(1);
    for (const theme of ['light', 'dark'] as const) {
      const p = theme === 'light' ? page : await open('compliant', theme);
      await shoot(p, 'compliant', theme);
      if (p !== page) await p.close();
    }
    expect(problemsOf(page)).toEqual([]);
    await page.close();
  });

  it('one failing check: names the blocked resource and the fix, and the button opens the FileVault deep link', async () => {
    const page = await open('failing');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Not compliant');
    await expect(page.getByRole('status').textContent()).resolves.toBe('Access to training-cluster is blocked: fix disk encryption.');
    await expect(page.getByRole('listitem', { name: 'training-cluster: blocked' }).textContent()).resolves.toContain('To reach training-cluster, fix on this device: disk encryption.');
    const disk = page.getByRole('article', { name: 'Disk encryption' });
    await expect(disk.locator('.badge').textContent()).resolves.toBe('Failed');
    await expect(disk.getByRole('group', { name: 'How to fix Disk encryption' }).getByRole('listitem').count()).resolves.toBeGreaterThan(0);
    await expect(page.getByRole('article', { name: 'Firewall' }).locator('.badge').textContent()).resolves.toBe('Passed');
    // Keyboard only: the settings button comes right after the banner's actions, and Enter activates it.
    await expect(focusOrder(page, 4)).resolves.toEqual(['a:Skip to content', 'button:Check now', 'button:Copy device ID', 'button:Open FileVault settings']);
    await page.keyboard.press('Enter');
    await expect.poll(() => calls(page)).toContainEqual({ method: 'openSettings', request: { url: 'x-apple.systempreferences:com.apple.preference.security?FileVault' } });
    await page.getByRole('button', { name: 'Check now' }).click();
    await expect.poll(async () => (await calls(page)).filter((c) => c.method === 'checkNow').length).toBe(1);
    const file = await shoot(page, 'non_compliant', 'light');
    // The README's screenshot is refreshed on request only, so a test run never dirties the tree.
    if (process.env.UPDATE_DOCS === '1') {
      mkdirSync(join(ROOT, 'docs', 'screenshots'), { recursive: true });
      copyFileSync(file, join(ROOT, 'docs', 'screenshots', 'status-window.png'));
    }
    const dark = await open('failing', 'dark');
    await shoot(dark, 'non_compliant', 'dark');
    expect([...problemsOf(page), ...problemsOf(dark)]).toEqual([]);
    await dark.close();
    await page.close();
  });

  it('warning: shows the enforcement deadline in words', async () => {
    const page = await open('warning');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Compliant, with warnings');
    await expect(page.getByRole('region', { name: 'Upcoming requirements' }).getByRole('listitem').allTextContents()).resolves.toEqual(['Screen lock required for jupyter-hub from 1 Dec 2026']);
    await expect(page.getByRole('article', { name: 'Screen lock' }).getByRole('button', { name: 'Open Lock Screen settings' }).count()).resolves.toBe(1);
    await shoot(page, 'warning', 'light');
    const dark = await open('warning', 'dark');
    await shoot(dark, 'warning', 'dark');
    await dark.close();
    await page.close();
  });

  it('offline: says since when and until when the last result holds, and still shows the local checks', async () => {
    const page = await open('offline');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Offline');
    await expect(page.getByRole('status').textContent()).resolves.toBe('Offline since 2 Jun, 09:05: the posture service cannot be reached; your last result has expired.');
    await expect(page.getByText('Offline since:').textContent()).resolves.toMatch(/2 Jun 2025, 09:05/);
    await expect(page.getByText(/^Last error:/).textContent()).resolves.toContain('ECONNREFUSED');
    await expect(page.getByRole('article').count()).resolves.toBe(3);
    await shoot(page, 'offline', 'light');
    const dark = await open('offline', 'dark');
    await shoot(dark, 'offline', 'dark');
    expect(problemsOf(page)).toEqual([]);
    await dark.close();
    await page.close();
  });

  it('unenrolled: a labelled enrolment form, keyboard-reachable, that validates and calls enroll', async () => {
    const page = await open('unenrolled', 'light', { ok: false, message: 'The service rejected the code: it has expired. Ask for a new one.' });
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Not enrolled');
    await expect(page.getByRole('status').textContent()).resolves.toBe('This device is not enrolled yet: enter the enrolment code from your administrator.');
    await expect(page.getByText('Judged on this device against the built-in baseline').count()).resolves.toBe(1);
    await expect(focusOrder(page, 4)).resolves.toEqual(['a:Skip to content', 'input:Posture service address', 'input:Enrolment code', 'button:Enrol this device']);
    await expect(page.getByLabel('Posture service address').inputValue()).resolves.toBe('https://posture.example.com');
    await shoot(page, 'unenrolled', 'light');
    await page.getByLabel('Enrolment code').fill('abc');
    await page.getByRole('button', { name: 'Enrol this device' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('at least 8 letters or digits');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('enrol-code');
    await page.getByLabel('Enrolment code').fill('K7F2-9QXM-4TZP');
    await page.getByLabel('Enrolment code').press('Enter');
    await expect.poll(() => calls(page)).toContainEqual({ method: 'enroll', request: { code: 'K7F2-9QXM-4TZP', serviceUrl: 'https://posture.example.com' } });
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('The service rejected the code: it has expired. Ask for a new one.');
    const dark = await open('unenrolled', 'dark');
    await shoot(dark, 'unenrolled', 'dark');
    await dark.close();
    await page.close();
  });

  it('follows status pushes from the main process without a reload', async () => {
    const page = await open('failing');
    await page.evaluate((v) => (window as unknown as { __pushStatus: (x: unknown) => void }).__pushStatus(v), scenarios.compliant);
    await expect.poll(() => page.getByRole('status').textContent()).toBe('This device meets the policy: all 3 resources are allowed.');
    await page.close();
  });

  it('every text meets WCAG AA contrast (4.5:1) in both themes', async () => {
    for (const theme of ['light', 'dark'] as const) {
      for (const name of ['failing', 'warning', 'unenrolled'] as const) {
        const page = await open(name, theme);
        const failures = await page.evaluate(() => {
          const rgb = (s: string): number[] => (s.match(/[\d.]+/g) ?? []).map(Number);
          const lum = ([r = 0, g = 0, b = 0]: number[]): number => {
            const c = [r, g, b].map((v) => {
              const x = v / 255;
              return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * (c[0] ?? 0) + 0.7152 * (c[1] ?? 0) + 0.0722 * (c[2] ?? 0);
          };
          const bgOf = (el: Element | null): number[] => {
            for (let e = el; e; e = e.parentElement) {
              const c = rgb(getComputedStyle(e).backgroundColor);
              if (c.length === 3 || (c.length === 4 && c[3] !== 0)) return c.slice(0, 3);
            }
            return rgb(getComputedStyle(document.documentElement).backgroundColor);
          };
          const out: string[] = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const el = n.parentElement;
            if (!el || !n.textContent?.trim() || el.closest('.skip-link') || el.getClientRects().length === 0) continue;
            const style = getComputedStyle(el);
            const fg = rgb(style.color);
            const [l1, l2] = [lum(fg), lum(bgOf(el))].sort((a, b) => b - a) as [number, number];
            const ratio = (l1 + 0.05) / (l2 + 0.05);
            const min = el.closest('button:disabled') ? 0 : 4.5;
            if (ratio < min) out.push(`${n.textContent.trim().slice(0, 30)}: ${ratio.toFixed(2)}`);
          }
          return out;
        });
        expect(failures, `${name} ${theme}`).toEqual([]);
        await page.close();
      }
    }
  });
});
