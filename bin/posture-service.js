#!/usr/bin/env node
// Entry point of the `posture-service` command: runs the compiled CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/src/service/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('posture-service: not built yet; run `npm install` (or `npm run build`) in the project first\n');
  process.exit(2);
}
const { serviceMain } = await import(cli.href);
process.exitCode = await serviceMain(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
});
