import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/agent/cli.js';
import { BUNDLE_FORMAT } from '../../src/shared/bundle.js';
import { CHECK_IDS } from '../../src/shared/check-ids.js';
import type { PostureReport } from '../../src/shared/check-result.js';
import { pythonHasModule, requireComponent } from '../helpers/system.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'posture-agent.js');
const run = promisify(execFile);

async function home(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'posture-cli-'));
}

function io(env: Record<string, string> = {}): CliIo & { out: string; err: string } {
  const o = { out: '', err: '', env, isTty: false, stdout: (s: string) => void (o.out += s), stderr: (s: string) => void (o.err += s) };
  return o;
}

/** Runs the built binary; resolves with its exit code and output even when it fails. */
async function bin(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('posture-agent usage errors', () => {
  it.each([[[]], [['frobnicate']], [['check', '--bogus']], [['diagnose']], [['key']], [['evidence', '--nonce', 'abcdefgh12']]])('exits 3 with one line for %j', async (argv) => {
    const o = io({ POSTURE_AGENT_HOME: await home() });
    expect(await main(argv, o)).toBe(3);
    expect(o.err).toMatch(/^posture-agent: .+\n$/);
    expect(o.err.split('\n')).toHaveLength(2);
  });

  it('exits 3 for a replay bundle that is missing, not JSON, or not a bundle', async () => {
    const dir = await home();
    await writeFile(join(dir, 'garbage.json'), '\u0000\u0001not json');
    await writeFile(join(dir, 'wrong.json'), JSON.stringify({ format: 'something-else', probes: [] }));
    for (const [file, msg] of [['missing.json', /cannot read bundle/], ['garbage.json', /not JSON/], ['wrong.json', /not a posture-agent-diagnose\/1 bundle/]] as const) {
      const o = io({ POSTURE_AGENT_HOME: dir });
      expect(await main(['check', '--replay', join(dir, file)], o)).toBe(3);
      expect(o.err).toMatch(msg);
    }
  });

  it('prints help and the version', async () => {
    const o = io();
    expect(await main(['help'], o)).toBe(0);
    expect(o.out).toMatch(/check \[--json\] \[--replay BUNDLE\]/);
    const v = io();
    expect(await main(['--version'], v)).toBe(0);
    expect(v.out).toMatch(/^posture-agent \d+\.\d+\.\d+/);
  });
});

describe('posture-agent key --public', () => {
  it('prints the same public JWK on every call and never the private part', async () => {
    const env = { POSTURE_AGENT_HOME: await home() };
    const a = io(env);
    const b = io(env);
    expect(await main(['key', '--public'], a)).toBe(0);
    expect(await main(['key', '--public'], b)).toBe(0);
    expect(a.out).toBe(b.out);
    const jwk = JSON.parse(a.out) as Record<string, string>;
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(jwk.d).toBeUndefined();
  });
});

describe('posture-agent check (the built binary, live on this machine)', () => {
  it('reports all seven checks as JSON with an exit code that matches the statuses', async () => {
    const r = await bin(['check', '--json'], { POSTURE_AGENT_HOME: await home() });
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as PostureReport;
    expect(report.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
    const statuses = report.checks.map((c) => c.status);
    const expected = statuses.includes('fail') ? 1 : statuses.includes('unknown') ? 2 : 0;
    expect(r.code).toBe(expected);
    for (const c of report.checks) expect(c.summary.length).toBeGreaterThan(0);
  });

  it('prints a human table by default', async () => {
    const r = await bin(['check'], { POSTURE_AGENT_HOME: await home(), NO_COLOR: '1' });
    expect(r.stdout).toMatch(/^Posture of this machine \(linux\)/);
    expect(r.stdout).toMatch(/Overall: (PASS|FAIL|UNKNOWN)/);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('writes a diagnose bundle that replays to the same statuses', async () => {
    const dir = await home();
    const bundlePath = join(dir, 'bundle.json');
    const d = await bin(['diagnose', '--out', bundlePath], { POSTURE_AGENT_HOME: dir });
    expect(d.code).toBe(0);
    expect(d.stderr).toMatch(/wrote \d+ probe outputs/);
    const bundle = JSON.parse(await readFile(bundlePath, 'utf8')) as { format: string; probes: { key: string }[] };
    expect(bundle.format).toBe(BUNDLE_FORMAT);
    const live = JSON.parse((await bin(['check', '--json'], { POSTURE_AGENT_HOME: dir })).stdout) as PostureReport;
    const replay = JSON.parse((await bin(['check', '--json', '--replay', bundlePath], { POSTURE_AGENT_HOME: dir })).stdout) as PostureReport;
    expect(replay.mode).toBe('replay');
    expect(replay.checks.map((c) => [c.id, c.status])).toEqual(live.checks.map((c) => [c.id, c.status]));
  });
});

const jwcrypto = requireComponent('python3-jwcrypto (Debian)', () => pythonHasModule('jwcrypto'));

describe.skipIf(!jwcrypto.available)(`evidence verified by an independent JOSE implementation${jwcrypto.available ? '' : ` (skipped: ${jwcrypto.reason})`}`, () => {
  it('posture-agent evidence verifies with jwcrypto against the device public key', async () => {
    const env = { POSTURE_AGENT_HOME: await home() };
    const audience = 'https://posture.test.internal';
    const ev = await bin(['evidence', '--nonce', 'abcDEF123_-xyz789', '--audience', audience], env);
    expect(ev.code).toBe(0);
    const pub = (await bin(['key', '--public'], env)).stdout.trim();
    const out = execFileSync('/usr/bin/python3', [join(ROOT, 'test', 'interop', 'verify_evidence.py'), pub, audience], { input: ev.stdout }).toString();
    const verified = JSON.parse(out) as { header: Record<string, string>; claims: Record<string, unknown>; thumbprint: string };
    expect(verified.header).toEqual({ alg: 'ES256', typ: 'eat+jwt', kid: verified.thumbprint });
    expect(verified.claims).toMatchObject({ aud: audience, eat_nonce: 'abcDEF123_-xyz789', iss: `jkt:${verified.thumbprint}` });
    expect(Object.keys(verified.claims.submods as object).sort()).toEqual([...CHECK_IDS].sort());
  });

  it('jwcrypto rejects the evidence when one byte of the payload changes', async () => {
    const env = { POSTURE_AGENT_HOME: await home() };
    const ev = (await bin(['evidence', '--nonce', 'abcDEF123_-xyz789', '--audience', 'https://a.test'], env)).stdout.trim();
    const pub = (await bin(['key', '--public'], env)).stdout.trim();
    const [h, p, s] = ev.split('.');
    const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
    payload.iss = 'someone-else';
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    expect(() => execFileSync('/usr/bin/python3', [join(ROOT, 'test', 'interop', 'verify_evidence.py'), pub, 'https://a.test'], { input: forged, stdio: ['pipe', 'pipe', 'pipe'] })).toThrow(/verification failed/);
  });
});
