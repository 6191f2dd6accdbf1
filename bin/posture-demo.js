#!/usr/bin/env node
// `npm run demo`: service + headless agent attesting this machine + a gateway decision.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const demo = new URL('../dist/src/demo/run-demo.js', import.meta.url);
if (!existsSync(fileURLToPath(demo))) {
  process.stderr.write('posture-demo: not built yet; run `npm install` first\n');
  process.exit(2);
}
const { runDemo } = await import(demo.href);
try {
  process.exitCode = await runDemo();
} catch (e) {
  process.stderr.write(`posture-demo: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
  process.exitCode = 1;
}
