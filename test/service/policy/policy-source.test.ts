import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPolicySource, PolicyLoadError, type Policy, type PolicyError, type PolicySource } from '../../../src/service/policy/index.js';
import { EXAMPLE_POLICY_PATH } from './doubles.js';

const V1 = 'version: 1\nsegments:\n  training: { max_evidence_age: 15m, requirements: { disk_encryption: { required: true } } }\n';
const V2 = V1.replace('15m', '5m');
const V3 = V1.replace('15m', '1h');

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for the policy source');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const age = (p: Policy): number | undefined => p.segments.get('training')?.maxEvidenceAgeMs;

describe('createPolicySource', () => {
  let dir: string;
  let file: string;
  let source: PolicySource | undefined;
  let changes: Policy[];
  let errors: PolicyError[][];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'policy-source-'));
    file = join(dir, 'policy.yaml');
    writeFileSync(file, V1);
    changes = [];
    errors = [];
  });

  afterEach(() => {
    source?.close();
    source = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (): Promise<PolicySource> => {
    source = await createPolicySource(file, { onChange: (p) => changes.push(p), onError: (e) => errors.push(e) });
    return source;
  };

  it('loads the example policy file', async () => {
    const s = await createPolicySource(EXAMPLE_POLICY_PATH);
    try {
      expect(s.current().segments.size).toBe(4);
      expect(s.current().source).toBe(EXAMPLE_POLICY_PATH);
    } finally {
      s.close();
    }
  });

  it('swaps in a valid change written in place', async () => {
    const s = await start();
    expect(age(s.current())).toBe(15 * 60_000);
    writeFileSync(file, V2);
    await waitFor(() => changes.length === 1);
    expect(age(s.current())).toBe(5 * 60_000);
    expect(s.current()).toBe(changes[0]);
    expect(errors).toEqual([]);
  });

  it('keeps the old policy and reports an invalid change', async () => {
    const s = await start();
    const before = s.current();
    writeFileSync(file, V1.replace('required: true', 'required: maybe'));
    await waitFor(() => errors.length >= 1);
    expect(errors[0]?.[0]?.path).toBe('/segments/training/requirements/disk_encryption/required');
    expect(s.current()).toBe(before);
    expect(changes).toEqual([]);
    // And recovers on the next valid write.
    writeFileSync(file, V3);
    await waitFor(() => changes.length === 1);
    expect(age(s.current())).toBe(3_600_000);
  });

  it('picks up an editor-style rename over the file', async () => {
    const s = await start();
    const tmp = join(dir, '.policy.yaml.swp');
    writeFileSync(tmp, V2);
    renameSync(tmp, file);
    await waitFor(() => changes.length === 1);
    expect(age(s.current())).toBe(5 * 60_000);
    // A second rename-replace works too: the directory watch survives the inode change.
    writeFileSync(tmp, V3);
    renameSync(tmp, file);
    await waitFor(() => changes.length === 2);
    expect(age(s.current())).toBe(3_600_000);
  });

  it('keeps the policy when the file disappears, then reloads when it returns', async () => {
    const s = await start();
    rmSync(file);
    await waitFor(() => errors.length >= 1);
    expect(errors[0]?.[0]?.message).toMatch(/does not exist/);
    expect(age(s.current())).toBe(15 * 60_000);
    writeFileSync(file, V2);
    await waitFor(() => changes.length === 1);
  });

  it('debounces a burst of writes into one reload', async () => {
    const s = await start();
    for (let i = 0; i < 5; i++) writeFileSync(file, i % 2 === 0 ? V3 : V2);
    writeFileSync(file, V2);
    await waitFor(() => changes.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(changes).toHaveLength(1);
    expect(age(s.current())).toBe(5 * 60_000);
  });

  it('never lets a reader see a partly applied policy', async () => {
    const s = await start();
    const seen = new Set<number | undefined>();
    const reader = setInterval(() => {
      const p = s.current();
      expect(Object.isFrozen(p)).toBe(true);
      seen.add(age(p));
    }, 1);
    try {
      writeFileSync(file, V2);
      await waitFor(() => changes.length === 1);
    } finally {
      clearInterval(reader);
    }
    for (const v of seen) expect([15 * 60_000, 5 * 60_000]).toContain(v);
  });

  it('rejects at start when the file is invalid or missing', async () => {
    writeFileSync(file, 'version: 2\n');
    await expect(createPolicySource(file)).rejects.toBeInstanceOf(PolicyLoadError);
    await expect(createPolicySource(join(dir, 'nope.yaml'))).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });

  it('rejects a file over 1 MiB without reading it all', async () => {
    writeFileSync(file, `${V1}#${'x'.repeat(2 * 1024 * 1024)}\n`);
    await expect(createPolicySource(file)).rejects.toThrow(/larger than 1 MiB/);
  });

  it('stops reloading after close', async () => {
    const s = await start();
    s.close();
    s.close();
    writeFileSync(file, V2);
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(file, 'utf8')).toBe(V2);
    expect(changes).toEqual([]);
    expect(age(s.current())).toBe(15 * 60_000);
  });
});
