// `npm run bench`: each figure is measured in this run next to its baseline, and
// reported as a ratio, so that the numbers mean something on any machine.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import si from 'systeminformation';
import { collectLive } from '../dist/src/agent/collect.js';
import { currentPlatform } from '../dist/src/agent/platform.js';

const ROUNDS = 9;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function benchCollection() {
  const platform = currentPlatform();
  if (!platform) throw new Error(`unsupported platform ${process.platform}`);
  const cacheDir = join(await mkdtemp(join(tmpdir(), 'posture-bench-')), 'probe-cache');
  // Baseline: the systeminformation calls an agent built on it would make, concurrently.
  const baseline = () => Promise.all([si.osInfo(), si.blockDevices(), si.processes(), si.uuid(), si.fsSize()]);
  await baseline();
  const cold = await time(() => collectLive({ platform }));
  await collectLive({ platform, cacheDir }); // fill the cache of slow probes
  const ours = [];
  const theirs = [];
  for (let i = 0; i < ROUNDS; i++) {
    ours.push(await time(() => collectLive({ platform, cacheDir })));
    theirs.push(await time(baseline));
  }
  const o = median(ours);
  const t = median(theirs);
  console.log('collection (all 7 checks, concurrently, live on this machine)');
  console.log(`  first run, no probe cache:          ${cold.toFixed(0)} ms`);
  console.log(`  steady state (median of ${ROUNDS}):        ${o.toFixed(0)} ms`);
  console.log(`  systeminformation baseline (median): ${t.toFixed(0)} ms  (osInfo, blockDevices, processes, uuid, fsSize)`);
  console.log(`  ratio ours / baseline:               ${(o / t).toFixed(2)}`);
}

await benchCollection();
