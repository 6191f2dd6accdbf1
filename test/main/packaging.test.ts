/** electron-builder.yml passes electron-builder's own schema, and every file it names exists. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, Record<string, unknown>>;

describe('packaging configuration', () => {
  it('is valid for electron-builder 26 (its schema validator)', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration: (c: unknown, l: unknown) => Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('builds deb, rpm, AppImage, dmg, pkg, nsis and msi with a hardened macOS runtime', () => {
    expect(config.linux?.target).toEqual(['deb', 'rpm', 'AppImage']);
    expect(config.mac?.target).toEqual(['dmg', 'pkg']);
    expect(config.win?.target).toEqual(['nsis', 'msi']);
    expect(config.mac?.hardenedRuntime).toBe(true);
  });

  it('names only files that exist', () => {
    const paths = [config.mac?.entitlements, config.mac?.icon, config.win?.icon, config.linux?.icon, config.deb?.afterInstall, config.deb?.afterRemove, config.rpm?.afterInstall];
    for (const p of paths) expect(existsSync(join(ROOT, String(p))), String(p)).toBe(true);
    for (const f of ['build/linux/posture-agent.service', 'build/linux/ai-factory-posture-autostart.desktop', 'build/icon.svg']) expect(existsSync(join(ROOT, f)), f).toBe(true);
  });

  it('ships a systemd user unit and an XDG autostart entry that start the right things', () => {
    const unit = readFileSync(join(ROOT, 'build/linux/posture-agent.service'), 'utf8');
    expect(unit).toMatch(/^ExecStart=.*posture-agent\.js" run$/m);
    expect(unit).toMatch(/^WantedBy=default\.target$/m);
    const entry = readFileSync(join(ROOT, 'build/linux/ai-factory-posture-autostart.desktop'), 'utf8');
    expect(entry).toMatch(/^\[Desktop Entry\]$/m);
    expect(entry).toMatch(/^Exec=.* --hidden$/m);
  });
});
