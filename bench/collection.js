// 0. Posture collection on this machine (all checks, live): ours vs the systeminformation
// calls an agent built on it would make, alternating rounds in this process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import si from 'systeminformation';
import { collectLive } from '../dist/src/agent/collect.js';
import { currentPlatform } from '../dist/src/agent/platform.js';
import { median } from './lib/stats.js';

const ROUNDS = 9;

async function time(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function benchCollection() {
  const platform = currentPlatform();
  if (!platform) throw new Error(`unsupported platform ${process.platform}`);
  const cacheDir = join(await mkdtemp(join(tmpdir(), 'posture-bench-')), 'probe-cache');
  try {
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
    console.log('\n0. collection (all 7 checks, concurrently, live on this machine)');
    console.log(`   first run, no probe cache:           ${cold.toFixed(0)} ms`);
    console.log(`   steady state (median of ${ROUNDS}):         ${o.toFixed(0)} ms`);
    console.log(`   systeminformation baseline (median): ${t.toFixed(0)} ms  (osInfo, blockDevices, processes, uuid, fsSize)`);
    console.log(`   ratio ours / baseline:               ${(o / t).toFixed(2)}`);
    return { cold, ours: o, baseline: t, ratio: o / t };
  } finally {
    await rm(dirname(cacheDir), { recursive: true, force: true });
  }
}
