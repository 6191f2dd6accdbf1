/**
 * Test doubles for the policy engine: hand-written rules (NOT the real per-check
 * rules in src/shared/rules) with one obvious reason code each, evidence builders
 * and a frozen clock. The rules read one fact each so a test can break exactly one
 * requirement.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckId } from '../../../src/shared/check-ids.js';
import type { RuleOutcome } from '../../../src/shared/rules/findings.js';
import { loadPolicy, type Policy, type RuleRegistry, type SubmodInput } from '../../../src/service/policy/index.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const EXAMPLE_POLICY_PATH = join(ROOT, 'examples', 'policy.yaml');

/** Before the example's warn-until dates (2026-12-01). */
export const NOW = new Date('2026-06-01T12:00:00Z');
/** After them. */
export const LATER = new Date('2026-12-02T12:00:00Z');

function verdict(id: CheckId, ok: boolean | undefined, code: string): RuleOutcome {
  if (ok === undefined) return { status: 'unknown', summary: `double: ${id} unknown`, reasons: [`${id}.unknown_double`], unknownReason: 'not-collected' };
  return ok ? { status: 'pass', summary: `double: ${id} ok`, reasons: [] } : { status: 'fail', summary: `double: ${id} failed`, reasons: [code] };
}

/** Fake rules: each passes, fails or is unknown from a single fact. */
export const DOUBLE_RULES: RuleRegistry = {
  os_patch: ({ facts, requirement }) =>
    verdict('os_patch', facts?.pendingSecurityUpdates === undefined ? undefined : facts.pendingSecurityUpdates <= (requirement?.max_pending_security_updates ?? Infinity), 'os_patch.pending_security_updates'),
  disk_encryption: ({ facts }) => verdict('disk_encryption', facts?.systemVolumeEncrypted, 'disk_encryption.system_volume_unencrypted'),
  edr: ({ facts }) => verdict('edr', facts ? facts.products.some((p) => p.running === true) : undefined, 'edr.not_running'),
  mfa: ({ facts, requirement }) =>
    verdict('mfa', facts?.amr === undefined ? undefined : (requirement?.amr_any ?? []).some((a) => facts.amr?.includes(a)), 'mfa.amr_not_accepted'),
  firewall: ({ facts }) => verdict('firewall', facts?.enabled, 'firewall.disabled'),
  screen_lock: ({ facts, requirement }) =>
    verdict('screen_lock', facts?.enabled === undefined ? undefined : facts.enabled && (facts.idleTimeoutSeconds ?? 0) <= (requirement?.max_idle_seconds ?? Infinity), 'screen_lock.idle_too_long'),
  mdm: ({ facts }) => verdict('mdm', facts?.enrolled, 'mdm.not_enrolled'),
};

/** Facts that pass every requirement of the example policy (schema-valid). */
export function goodFacts(): Record<CheckId, Record<string, unknown>> {
  return {
    os_patch: { os: { platform: 'linux', name: 'Debian GNU/Linux', version: '12' }, pendingSecurityUpdates: 0, vendorSupported: true, lastUpdateInstalledAt: '2026-05-30T10:00:00Z' },
    disk_encryption: { volumes: [{ mount: '/', system: true, encrypted: true, method: 'LUKS2', state: 'on' }], systemVolumeEncrypted: true },
    edr: { products: [{ id: 'crowdstrike_falcon', installed: true, running: true, healthy: true, realTimeProtection: true }] },
    mfa: { localAuthenticators: [], issuer: 'https://idp.ai.internal', amr: ['pwd', 'hwk'], authTime: '2026-06-01T08:00:00Z' },
    firewall: { profiles: [{ name: 'ufw', enabled: true, defaultInboundBlocked: true }], enabled: true },
    screen_lock: { desktop: true, environment: 'gnome', enabled: true, idleTimeoutSeconds: 300 },
    mdm: { enrolled: true, provider: 'intune' },
  };
}

/** Submods built from `facts` (status is the agent's; the engine re-decides). */
export function submodsFrom(facts: Partial<Record<CheckId, Record<string, unknown>>>): Partial<Record<CheckId, SubmodInput>> {
  const out: Partial<Record<CheckId, SubmodInput>> = {};
  for (const [id, f] of Object.entries(facts) as [CheckId, Record<string, unknown>][]) out[id] = { status: 'pass', facts: f };
  return out;
}

/** Loads YAML that must be valid; fails the test with the errors otherwise. */
export function mustLoad(text: string, source = 'test.yaml'): Policy {
  const r = loadPolicy(text, source);
  if (!r.ok) throw new Error(`policy did not load: ${JSON.stringify(r.errors)}`);
  return r.policy;
}

/** The example policy file, loaded. */
export function examplePolicy(): Policy {
  return mustLoad(readFileSync(EXAMPLE_POLICY_PATH, 'utf8'), 'examples/policy.yaml');
}
