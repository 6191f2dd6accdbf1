// Servers under test run in their own child process, so the load generator (this
// process) never shares an event loop with them; their CPU time is read over IPC.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (name) => fileURLToPath(new URL(name, import.meta.url));

/** The child's next IPC message of `type`; rejects if the child exits first. */
export function nextMessage(child, type) {
  return new Promise((resolve, reject) => {
    const onMessage = (msg) => {
      if (msg?.type !== type) return;
      cleanup();
      resolve(msg);
    };
    const onExit = (code, signal) => {
      cleanup();
      reject(new Error(`child exited (${signal ?? code}) before "${type}"`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

async function start(script, args) {
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each server child (open it in Chrome DevTools).
  // The parent's own node flags are not passed on (with `node -e` they would re-run the parent).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  // stdout is the service's log (JSON lines at info): discarded; errors still reach stderr.
  const child = fork(here(script), args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: prof });
  const { url } = await nextMessage(child, 'ready');
  return {
    url,
    pid: child.pid,
    /** CPU time (user + system, µs) the child has used so far. */
    async cpuMicros() {
      const reply = nextMessage(child, 'cpu');
      child.send({ type: 'cpu' });
      const { usage } = await reply;
      return usage.user + usage.system;
    },
    async stop() {
      const stopped = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' });
      await stopped;
    },
  };
}

/** A posture service from dist/ on 127.0.0.1 (port 0) over `dataDir`. */
export function startServiceChild({ dataDir, policyPath, publicUrl, databaseUrl }) {
  return start('service-child.js', [dataDir, policyPath, publicUrl, ...(databaseUrl ? ['', '', databaseUrl] : [])]);
}

/** The bare node:http baseline server. */
export function startBaselineChild() {
  return start('http-baseline-child.js', []);
}
