/**
 * SMOKE TEST OF THE SOAK SCRIPT, not the soak itself: runs `node bench/soak.js --minutes
 * 0.25 --json` (15 s of traffic at the default rates, service in a child process over
 * SQLite, loopback only) and checks that the script works end to end: it exits 0, every
 * response was what its request class expects, every acknowledged attestation was
 * stored, and the memory sampler produced samples. 15 s is too short to judge memory
 * (the script says so). The real soak is `npm run soak` (10 minutes), see
 * docs/benchmarks.md "Soak". dist/ is built by the global test setup.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/common/package-info.js';

interface SoakClass { class: string; sent: number; ok: number; errors: number; examples: string[] }
interface SoakSummary {
  errors: number;
  classes: SoakClass[];
  rates: { attestations: number; authz: number };
  durability: { acknowledged: number; rows: number };
  memory: { samples: { t: number; rss: number; heapUsed: number }[] };
  verdict: { pass: boolean; memory: string; reasons: string[] };
}

function runSoak(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bench', 'soak.js'), ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bench/soak.js (smoke test of the script; the real soak is npm run soak)', () => {
  it('runs 15 s of attestations and forward-auth at fixed rates with zero errors and samples the service memory', async () => {
    const { code, stdout, stderr } = await runSoak(['--minutes', '0.25', '--json']);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/^soak: PASS$/m);
    const summary = JSON.parse(stdout) as SoakSummary;
    expect(summary.errors, JSON.stringify(summary.classes.map((c) => c.examples))).toBe(0);
    for (const c of summary.classes) expect(c.ok, c.class).toBe(c.sent);
    // Every class of the mix was exercised.
    expect(summary.classes.map((c) => c.class)).toEqual(expect.arrayContaining(['attestation', 'authz allow', 'authz deny (non-compliant)', 'authz no token']));
    expect(summary.classes.every((c) => c.sent > 0)).toBe(true);
    expect(summary.rates.authz).toBeGreaterThan(900);
    expect(summary.durability.rows).toBe(summary.durability.acknowledged);
    // 0, 5, 10, 15 s and the final sample: RSS from /proc and heap from the service's /metrics.
    expect(summary.memory.samples.length).toBeGreaterThanOrEqual(3);
    for (const s of summary.memory.samples) {
      expect(s.rss).toBeGreaterThan(10 * 2 ** 20);
      expect(s.heapUsed).toBeGreaterThan(2 ** 20);
    }
    expect(summary.verdict).toMatchObject({ pass: true, memory: 'not judged' });
  }, 180_000);
});
