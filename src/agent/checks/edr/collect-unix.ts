/**
 * The Linux and macOS collectors share one shape: process list + install directories
 * find the products, then each detected product's own CLI says how it is doing.
 */
import { EDR_PRODUCT_IDS, type EdrFacts, type EdrProductId } from '../../../shared/facts/edr.js';
import type { ProbeRunner } from '../../probes/types.js';
import type { CollectContext, Observation } from '../types.js';
import { ProductSet } from './assemble.js';
import { findInstalled } from './install-paths.js';
import { readProcessList } from './processes.js';
import { productsRunning } from './products.js';

type CliRunner = (probes: ProbeRunner, set: ProductSet) => Promise<void>;

/** Collects `edr` facts on Linux or macOS with that OS's product CLIs. */
export async function collectUnix(
  ctx: CollectContext,
  platform: 'linux' | 'darwin',
  clis: Partial<Record<EdrProductId, CliRunner>>,
): Promise<Observation<EdrFacts>> {
  const [procs, scan] = await Promise.all([readProcessList(ctx.probes, platform), findInstalled(ctx.probes, platform)]);
  const set = new ProductSet();
  const running = procs.names ? productsRunning(platform, procs.names, new Set(scan.installed.keys())) : new Set<EdrProductId>();
  for (const id of EDR_PRODUCT_IDS) {
    if (running.has(id)) set.add(id, { running: true }, procs.key);
    const key = scan.installed.get(id);
    if (key) set.add(id, {}, key);
  }
  if (procs.gap) set.addGap(procs.gap);
  for (const gap of scan.gaps) set.addGap(gap);
  await Promise.all(EDR_PRODUCT_IDS.filter((id) => set.has(id)).map((id) => clis[id]?.(ctx.probes, set)));
  // With the process list read, a detected product whose daemon no source saw is not running.
  if (!procs.gap) set.markOthersNotRunning();
  return { facts: set.facts(), gaps: set.gaps() };
}
