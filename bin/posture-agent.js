#!/usr/bin/env node
// Entry point of the `posture-agent` command: runs the compiled CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/src/agent/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('posture-agent: not built yet; run `npm install` (or `npm run build`) in the project first\n');
  process.exit(3);
}
const { main } = await import(cli.href);
const stop = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    stop.abort();
    // Only the daemon finishes its round and exits cleanly; every other command stops now.
    if (process.argv[2] !== 'run') process.exit(130);
  });
}
process.exitCode = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
  isTty: !!process.stdout.isTTY,
  stopSignal: stop.signal,
});
