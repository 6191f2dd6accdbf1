// Devices of the revocation figure: each one is the REAL agent daemon loop (`cmdRun` from
// dist, the posture watcher included) with its own state directory and device key, enrolled
// with the real agent code. The one substitution: the check collectors read a switchable
// replay bundle (a macOS laptop) instead of this machine's probes, for the full attestation
// and for the watcher's cheap readings alike (`replayed`, the JS twin of
// test/agent/watch/bundles.ts `replayedAsLinux`).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { enrollDevice, attestOnce } from '../../dist/src/agent/attest.js';
import { cmdRun } from '../../dist/src/agent/cli/commands-service.js';
import { ALL_CHECKS } from '../../dist/src/agent/checks/index.js';
import { collectLive, loadBundle } from '../../dist/src/agent/collect.js';
import { currentPlatform } from '../../dist/src/agent/platform.js';
import { createReplayProbeRunner } from '../../dist/src/agent/probes/replay-runner.js';
import { loadAgentState } from '../../dist/src/agent/state/agent-state.js';
import { WATCHED_CHECK_DEFINITIONS } from '../../dist/src/agent/watch/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The compliant machine and its regression: one probe record apart. */
export const BUNDLE_SOURCES = {
  compliant: 'examples/bundles/macos-laptop.json',
  regressedRecord: 'darwin.fdesetup-status',
  regressedStdout: 'test/fixtures/disk_encryption/macos/fdesetup-status__synthetic-off.txt',
};

/**
 * The two bundles: the example macOS laptop (composed from real captures of FileVault,
 * Defender, the application firewall …; its process list is synthetic, see its `note`) and
 * the same laptop with `fdesetup status` answering "FileVault is Off." (SYNTHETIC: no real
 * capture exists).
 */
export async function loadBenchBundles() {
  const compliant = await loadBundle(join(ROOT, BUNDLE_SOURCES.compliant));
  const off = await readFile(join(ROOT, BUNDLE_SOURCES.regressedStdout), 'utf8');
  if (!compliant.probes.some((p) => p.key === BUNDLE_SOURCES.regressedRecord)) throw new Error(`the bundle has no ${BUNDLE_SOURCES.regressedRecord} record`);
  const regressed = {
    ...compliant,
    probes: compliant.probes.map((p) => {
      if (p.key !== BUNDLE_SOURCES.regressedRecord) return p;
      const { stdoutBase64: _raw, ...rest } = p;
      return { ...rest, stdout: off, exitCode: 0 };
    }),
  };
  return { compliant, regressed };
}

/**
 * Check definitions whose collector for `platform` (this machine's) runs the macOS
 * collector against whatever bundle `current()` holds at that moment, as if collected now.
 */
export function replayed(current, defs, platform) {
  return defs.map((def) => {
    const darwin = def.collectors.darwin;
    if (!darwin) throw new Error(`${def.id} has no macOS collector`);
    const collector = (ctx) => {
      const at = new Date();
      return darwin({ ...ctx, platform: 'darwin', probes: createReplayProbeRunner(current()), now: () => at });
    };
    return { ...def, collectors: { [platform]: collector } };
  });
}

/** This machine's platform as the agent sees it. @throws Error on an OS the agent does not support. */
export function agentPlatform() {
  const p = currentPlatform();
  if (!p) throw new Error(`the agent does not run on ${process.platform}`);
  return p;
}

/**
 * Enrols a device with the real agent code and starts `posture-agent run --watch-interval
 * <intervalMs/1000>` on it (in this process). `set('regressed' | 'compliant')` switches the
 * machine; every attestation's start, end and verdict is recorded.
 */
export async function startAgentDevice({ serviceUrl, code, intervalMs, bundles, resource }) {
  const platform = agentPlatform();
  const stateDir = await mkdtemp(join(tmpdir(), 'posture-bench-agent-'));
  const paths = { stateDir, platform };
  const enrolled = await enrollDevice(paths, serviceUrl, code);
  let machine = bundles.compliant;
  const current = () => machine;
  const allChecks = replayed(current, ALL_CHECKS, platform);
  const watchedChecks = replayed(current, WATCHED_CHECK_DEFINITIONS, platform);
  const attestations = [];
  const waiters = new Set();
  const log = [];
  let reads = 0;
  const stop = new AbortController();
  const io = {
    env: { POSTURE_AGENT_HOME: stateDir },
    isTty: false,
    stdout: () => undefined,
    stderr: (s) => {
      log.push(s.trimEnd());
      if (log.length > 200) log.shift();
    },
    stopSignal: stop.signal,
  };
  const run = cmdRun(['--watch-interval', String(intervalMs / 1000)], io, {
    attest: async (p) => {
      const startedAt = performance.now();
      const o = await attestOnce(p, { checks: allChecks });
      const a = { startedAt, at: performance.now(), earStatus: o.response.ear_status, decision: o.response.resources[resource]?.decision };
      attestations.push(a);
      for (const w of waiters) w(a);
      return o;
    },
    collectWatched: async (requirements) => {
      reads++;
      return (await collectLive({ platform, checks: watchedChecks, ...(requirements ? { requirements } : {}) })).report;
    },
  }).catch((e) => {
    log.push(`run failed: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  });
  return {
    deviceId: enrolled.deviceId,
    attestations,
    reads: () => reads,
    log: () => log,
    set(name) {
      machine = bundles[name];
    },
    /** The first attestation that ended at or after `since` and matches, or undefined after `timeoutMs`. */
    waitAttested(match, since, timeoutMs) {
      const ok = (a) => a.at >= since && match(a);
      const seen = attestations.find(ok);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => {
        const done = (a) => {
          clearTimeout(timer);
          waiters.delete(onAttested);
          resolve(a);
        };
        const onAttested = (a) => {
          if (ok(a)) done(a);
        };
        const timer = setTimeout(() => done(undefined), timeoutMs);
        waiters.add(onAttested);
      });
    },
    /** The posture token the agent holds now (what `posture-agent token` prints). */
    async token() {
      const t = (await loadAgentState(stateDir))?.last?.postureToken;
      if (!t) throw new Error(`device ${enrolled.deviceId} holds no posture token`);
      return t;
    },
    /** Stops the daemon; resolves to its exit code. */
    async stop() {
      stop.abort();
      const code = await run;
      await rm(stateDir, { recursive: true, force: true });
      return code;
    },
  };
}
