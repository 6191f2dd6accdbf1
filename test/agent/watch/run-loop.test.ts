/**
 * `posture-agent run` with the watcher: the real run loop and the real agent code
 * (enrol, attestOnce, collectLive, runChecks) against the real service on a real
 * listener; only the machine is replayed: the collectors read a macOS bundle from real
 * fixtures that the test switches mid-run (see bundles.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attestOnce, enrollDevice, type AgentPaths, type AttestOutcome } from '../../../src/agent/attest.js';
import { main, type CliIo } from '../../../src/agent/cli.js';
import { cmdRun, watchIntervalMs } from '../../../src/agent/cli/commands-service.js';
import { collectLive } from '../../../src/agent/collect.js';
import { loadAgentState, type AgentState } from '../../../src/agent/state/agent-state.js';
import { DEFAULT_WATCH_INTERVAL_MS } from '../../../src/agent/watch/index.js';
import { hashSecret } from '../../../src/service/api-keys.js';
import type { Bundle } from '../../../src/shared/bundle.js';
import type { PostureReport } from '../../../src/shared/check-result.js';
import { startHarness, type Harness } from '../../helpers/service-harness.js';
import { edrStopped, laptop, readWatched, replayedAsLinux } from './bundles.js';

const POLICY = `version: 1
defaults: { max_evidence_age: 15m }
segments:
  protected:
    requirements:
      edr: { required: true }
      disk_encryption: { required: true }
      firewall: { required: true }
resources:
  - { name: model-registry, segment: protected, match: { hosts: [models.ai.internal] } }
groups:
  data-scientists: { segments: [protected] }
`;

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'posture-watch-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function daemonIo(home: string): CliIo & { log: string[]; stop: AbortController } {
  const stop = new AbortController();
  const log: string[] = [];
  return { log, stop, env: { POSTURE_AGENT_HOME: home }, isTty: false, stdout: () => undefined, stderr: (s) => void log.push(s.replace(/^\S+ posture-agent: /, '').trimEnd()), stopSignal: stop.signal };
}

async function until(what: string, cond: () => boolean, timeoutMs = 8_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('run --watch-interval: options', () => {
  const fakeOutcome = async (): Promise<AttestOutcome> => ({
    state: {} as AgentState,
    report: await readWatched(laptop),
    response: { ear_status: 'affirming', resources: {}, next_attestation_in: 300, expires_at: '2026-11-25T12:10:00Z' } as unknown as AttestOutcome['response'],
  });

  it('defaults per OS, takes seconds, and 0 turns watching off', () => {
    expect(watchIntervalMs(undefined, 'linux')).toBe(DEFAULT_WATCH_INTERVAL_MS.linux);
    expect(DEFAULT_WATCH_INTERVAL_MS).toEqual({ linux: 3_000, darwin: 5_000, win32: 5_000 });
    expect(watchIntervalMs('1.5', 'linux')).toBe(1_500);
    expect(watchIntervalMs('0', 'win32')).toBe(0);
    for (const bad of ['', 'abc', '-1', '0.05', '99999']) expect(() => watchIntervalMs(bad, 'linux')).toThrow(/--watch-interval must be/);
  });

  it('rejects a bad --watch-interval as a usage error (exit 3)', async () => {
    const io = daemonIo(await tempDir());
    expect(await main(['run', '--watch-interval', 'soon'], io)).toBe(3);
    expect(io.log.join('\n')).toContain('--watch-interval must be 0 (off) or between 0.1 and 3600 seconds, not "soon"');
  });

  it('--once attests once and never watches', async () => {
    const io = daemonIo(await tempDir());
    let reads = 0;
    const code = await cmdRun(['--once', '--watch-interval', '0.5'], io, { attest: fakeOutcome, collectWatched: async () => (reads++, readWatched(edrStopped)) });
    expect(code).toBe(0);
    expect(reads).toBe(0);
    expect(io.log[0]).toMatch(/not watching\)$/);
  });

  it('--watch-interval 0 sleeps until the next attestation without reading anything', async () => {
    const io = daemonIo(await tempDir());
    let reads = 0;
    const run = cmdRun(['--watch-interval', '0'], io, { attest: fakeOutcome, collectWatched: async () => (reads++, readWatched(edrStopped)) });
    await until('the first attestation', () => io.log.some((l) => l.startsWith('next attestation in')));
    await new Promise((r) => setTimeout(r, 100));
    io.stop.abort();
    expect(await run).toBe(0);
    expect(reads).toBe(0);
    expect(io.log[0]).toMatch(/not watching\)$/);
  });
});

describe('run --watch-interval: a regression re-attests within seconds and the service denies', () => {
  let h: Harness;
  beforeAll(async () => {
    const policyDir = await tempDir();
    await writeFile(join(policyDir, 'policy.yaml'), POLICY);
    h = await startHarness({ policyPath: join(policyDir, 'policy.yaml'), listen: true });
    // The service's clock follows real time for this run (the harness fixes it at start).
    Object.defineProperty(h.clock, 'now', { get: () => new Date() });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function enrol(): Promise<AgentPaths> {
    const stateDir = await tempDir();
    const code = `enr_watch_${Math.random().toString(36).slice(2)}`;
    await h.store.createEnrollmentCode({ hash: hashSecret(code), user: 'alice', groups: ['data-scientists'], createdAt: Date.now(), expiresAt: Date.now() + 600_000 });
    const paths: AgentPaths = { stateDir, platform: 'linux' };
    await enrollDevice(paths, h.url ?? '', code);
    return paths;
  }

  const gateway = async (token: string): Promise<number> =>
    (await h.app.inject({ method: 'GET', url: '/authz/v1/model-registry/', headers: { authorization: `Bearer ${token}`, 'x-posture-api-key': h.gatewayKey } })).statusCode;

  it('EDR daemons stop → "edr regressed" → re-attested contraindicated → the earlier token is denied; back on → allowed again', async () => {
    const paths = await enrol();
    let machine: Bundle = laptop;
    const checks = replayedAsLinux(() => machine);
    const io = daemonIo(paths.stateDir);
    let reads = 0;
    const run = cmdRun(['--watch-interval', '0.25'], io, {
      attest: (p) => attestOnce(p, { checks }),
      collectWatched: async (requirements): Promise<PostureReport> => {
        reads++;
        return (await collectLive({ platform: 'linux', checks, ...(requirements ? { requirements } : {}) })).report;
      },
    });
    try {
      await until('the first attestation', () => io.log.some((l) => l.startsWith('attested: affirming')));
      const firstToken = (await loadAgentState(paths.stateDir))?.last?.postureToken ?? '';
      expect(await gateway(firstToken)).toBe(200);
      await until('a few watcher readings', () => reads >= 2);

      const switched = Date.now();
      machine = edrStopped;
      await until('the re-attestation', () => io.log.some((l) => l.startsWith('attested: contraindicated')));
      const elapsed = Date.now() - switched;
      expect(io.log).toContain('edr regressed: pass → fail; re-attesting now');
      // Within about one watch interval plus one attestation (generous: this is not a benchmark).
      expect(elapsed).toBeLessThan(3_000);
      // The gateway reads the device's current state: the token issued before is denied now.
      expect(await gateway(firstToken)).toBe(403);
      expect((await loadAgentState(paths.stateDir))?.last?.earStatus).toBe('contraindicated');

      // Defender back: an improvement re-attests too (deferred to 2 s after the last watcher attestation).
      machine = laptop;
      await until('access restored', () => io.log.filter((l) => l.startsWith('attested: affirming')).length >= 2);
      expect(io.log.some((l) => l.startsWith('edr improved: fail → pass; re-attesting'))).toBe(true);
      expect(await gateway(firstToken)).toBe(200);
    } finally {
      io.stop.abort();
    }
    expect(await run).toBe(0);
    expect(io.log.at(-1)).toBe('stopped');
    expect(io.log[0]).toMatch(/watching edr, disk_encryption, firewall every 0.25 s\)$/);
  });
});
