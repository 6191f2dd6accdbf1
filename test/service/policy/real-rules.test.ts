/** The engine with the real per-check rules (src/shared/rules), through a registry built here. */
import { describe, expect, it } from 'vitest';
import { evaluateDiskEncryption } from '../../../src/shared/rules/disk-encryption.js';
import { evaluateEdr } from '../../../src/shared/rules/edr.js';
import { evaluateFirewall } from '../../../src/shared/rules/firewall.js';
import { evaluateMdm } from '../../../src/shared/rules/mdm.js';
import { evaluateMfa } from '../../../src/shared/rules/mfa.js';
import { evaluateOsPatch } from '../../../src/shared/rules/os-patch.js';
import { evaluateScreenLock } from '../../../src/shared/rules/screen-lock.js';
import { evaluatePosture, type PostureInput, type RuleRegistry } from '../../../src/service/policy/index.js';
import { NOW, examplePolicy, goodFacts, submodsFrom } from './doubles.js';

const REAL_RULES: RuleRegistry = {
  os_patch: evaluateOsPatch,
  disk_encryption: evaluateDiskEncryption,
  edr: evaluateEdr,
  mfa: evaluateMfa,
  firewall: evaluateFirewall,
  screen_lock: evaluateScreenLock,
  mdm: evaluateMdm,
};

function input(change: (f: ReturnType<typeof goodFacts>) => void = () => {}): PostureInput {
  const facts = goodFacts();
  change(facts);
  return { submods: submodsFrom(facts), user: 'ada', groups: ['ml-platform'], attestedAt: NOW, now: NOW, platform: 'linux' };
}

describe('evaluatePosture with the real rules', () => {
  it('allows a healthy, fully patched Linux workstation everywhere ml-platform reaches', () => {
    const r = evaluatePosture(examplePolicy(), input(), REAL_RULES);
    const failing = Object.entries(r.segments.deployment?.checks ?? {}).filter(([, c]) => c.status !== 'pass');
    expect(failing, JSON.stringify(failing)).toEqual([]);
    expect(Object.values(r.resources).map((v) => v.decision)).toEqual(Array(6).fill('allow'));
    expect(r.ear_status).toBe('affirming');
  });

  it('denies production resources to an unencrypted laptop with the rule\'s reason code', () => {
    const r = evaluatePosture(examplePolicy(), input((f) => {
      f.disk_encryption.systemVolumeEncrypted = false;
      f.disk_encryption.volumes = [{ mount: '/', system: true, encrypted: false }];
    }), REAL_RULES);
    const res = r.resources['model-registry'];
    expect(res?.decision).toBe('deny');
    expect(res?.reasons.some((c) => c.startsWith('disk_encryption.'))).toBe(true);
    expect(res?.message).toMatch(/disk encryption/);
    expect(r.ear_status).toBe('contraindicated');
  });
});
