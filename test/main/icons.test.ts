/** The generated icon set (scripts/make-icons.mjs from build/icon.svg) covers every tray state on every OS. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trayIconFor } from '../../src/agent/tray/tray-presenter.js';
import { PLATFORMS } from '../../src/shared/check-ids.js';
import { TRAY_STATES, type StatusView } from '../../src/shared/ipc.js';
// @ts-expect-error: a plain .mjs build script without type declarations
import { assembleIcns, assembleIco } from '../../scripts/make-icons.mjs';

const BUILD = join(import.meta.dirname, '..', '..', 'build');
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe('tray icon assets', () => {
  it('exist for every state and platform the presenter names', () => {
    for (const platform of PLATFORMS) {
      for (const state of TRAY_STATES) {
        const { file } = trayIconFor({ state } as StatusView, platform);
        expect(existsSync(join(BUILD, file)), file).toBe(true);
        if (platform === 'darwin') expect(existsSync(join(BUILD, file.replace('.png', '@2x.png'))), `${file} @2x`).toBe(true);
      }
    }
  });

  it('.ico files hold 16, 24 and 32 px PNG entries', () => {
    const ico = readFileSync(join(BUILD, 'tray', 'non_compliant.ico'));
    expect(ico.readUInt16LE(2)).toBe(1);
    expect(ico.readUInt16LE(4)).toBe(3);
    expect([0, 1, 2].map((i) => ico.readUInt8(6 + 16 * i))).toEqual([16, 24, 32]);
    const offset = ico.readUInt32LE(6 + 12);
    expect(ico.subarray(offset, offset + 4)).toEqual(PNG_MAGIC);
  });
});

describe('icon container assembly', () => {
  const png = Buffer.concat([PNG_MAGIC, Buffer.from('rest')]);
  it('writes ICO directory entries with 0 meaning 256 px', () => {
    const ico: Buffer = assembleIco([{ size: 256, png }]);
    expect(ico.readUInt8(6)).toBe(0);
    expect(ico.readUInt32LE(14)).toBe(png.length);
    expect(ico.readUInt32LE(18)).toBe(22);
  });

  it('writes ICNS chunks with big-endian lengths that include their headers', () => {
    const icns: Buffer = assembleIcns([{ type: 'ic07', png }]);
    expect(icns.subarray(0, 4).toString('ascii')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    expect(icns.subarray(8, 12).toString('ascii')).toBe('ic07');
    expect(icns.readUInt32BE(12)).toBe(png.length + 8);
  });
});
