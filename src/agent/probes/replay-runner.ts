/**
 * Answers probes from a diagnose bundle, so any OS's checks can be evaluated here.
 * A probe the bundle lacks answers `error: 'not-collected'`: never a guess.
 */
import type { Bundle } from '../../shared/bundle.js';
import { fromRecord } from './record.js';
import { notCollected, probeKey, type ProbeOutput, type ProbeRunner } from './types.js';

/** Creates a runner over a bundle's records. */
export function createReplayProbeRunner(bundle: Bundle): ProbeRunner {
  const byKey = new Map(bundle.probes.map((r) => [r.key, r]));
  const answer = (probe: string, instance: string | undefined): Promise<ProbeOutput> => {
    const key = probeKey(probe, instance);
    const rec = byKey.get(key);
    if (rec) return Promise.resolve(fromRecord(rec));
    return Promise.resolve(notCollected(probe, instance, `the bundle has no record of ${key}`));
  };
  return {
    exec: (probe, _command, _args, o) => answer(probe, o?.instance),
    readFile: (probe, _path, o) => answer(probe, o?.instance),
    listDir: (probe, _path, o) => answer(probe, o?.instance),
  };
}
