#!/usr/bin/env node
/**
 * Renders every icon from the ONE source, build/icon.svg, in headless Chromium (Debian's
 * /usr/bin/chromium through playwright-core), then assembles .ico and .icns files in pure
 * JS (both formats accept embedded PNGs). Outputs:
 *   build/icon.png (1024), build/icon.icns, build/icon.ico, build/icons/<N>x<N>.png (Linux),
 *   build/tray/<state>.png (Linux, 32 px), build/tray/<state>.ico (Windows, 16/24/32),
 *   build/tray/<state>Template.png + @2x (macOS menu bar, monochrome).
 * Usage: node scripts/make-icons.mjs   (CHROMIUM=/path/to/chromium to override)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = join(ROOT, 'build');
const SVG = readFileSync(join(BUILD, 'icon.svg'), 'utf8');
const STATES = ['compliant', 'warning', 'non_compliant', 'offline', 'unenrolled', 'checking'];

/** An ICO file whose entries are PNGs (Windows Vista and later). */
export function assembleIco(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt16LE(1, e + 4); // colour planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.png)]);
}

/** An ICNS file with PNG entries (ic07 128, ic08 256, ic09 512, ic10 1024, ic11/ic12/ic13/ic14 retina). */
export function assembleIcns(entries) {
  const chunks = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage();
  const render = async (cls, size) => {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${SVG.replace('class="state-app"', `class="${cls}"`)}`);
    return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  };

  mkdirSync(join(BUILD, 'icons'), { recursive: true });
  mkdirSync(join(BUILD, 'tray'), { recursive: true });
  const app = {};
  for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) app[size] = await render('state-app', size);
  writeFileSync(join(BUILD, 'icon.png'), app[1024]);
  for (const size of [16, 32, 48, 64, 128, 256, 512]) writeFileSync(join(BUILD, 'icons', `${size}x${size}.png`), app[size]);
  writeFileSync(join(BUILD, 'icon.ico'), assembleIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: app[size] }))));
  writeFileSync(join(BUILD, 'icon.icns'), assembleIcns([['ic07', 128], ['ic08', 256], ['ic09', 512], ['ic10', 1024]].map(([type, size]) => ({ type, png: app[size] }))));

  for (const state of STATES) {
    const cls = `state-${state}`;
    writeFileSync(join(BUILD, 'tray', `${state}.png`), await render(cls, 32));
    writeFileSync(join(BUILD, 'tray', `${state}.ico`), assembleIco(await Promise.all([16, 24, 32].map(async (size) => ({ size, png: await render(cls, size) })))));
    writeFileSync(join(BUILD, 'tray', `${state}Template.png`), await render(`${cls} template`, 16));
    writeFileSync(join(BUILD, 'tray', `${state}Template@2x.png`), await render(`${cls} template`, 32));
  }
  await browser.close();
  console.log(`icons written to ${BUILD}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
