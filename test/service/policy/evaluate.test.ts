import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import type { CheckId } from '../../../src/shared/check-ids.js';
import { PostureResultSchema, evaluatePosture, type PostureInput, type RuleRegistry } from '../../../src/service/policy/index.js';
import { DOUBLE_RULES, LATER, NOW, examplePolicy, goodFacts, mustLoad, submodsFrom } from './doubles.js';

const POLICY = mustLoad(`version: 1
defaults: { max_evidence_age: 15m }
segments:
  training:
    requirements:
      disk_encryption: { required: true }
      firewall: { required: true }
      mdm: { required: true }
      os_patch: { max_pending_security_updates: 0 }
    expressions:
      - name: no_beta_os
        expr: "!facts.os_patch.os.version.contains('Beta')"
        message: Beta OS builds are not allowed
      - name: linux_only
        expr: "device.platform == 'linux' && 'ds' in device.groups && now > timestamp('2020-01-01T00:00:00Z')"
        message: Only Linux workstations may train
    enforcement:
      disk_encryption: { mode: warn-until, until: 2026-12-01 }
      mdm: { mode: notify }
  deployment:
    max_evidence_age: 5m
    requirements:
      firewall: { required: true }
resources:
  - name: training-cluster
    segment: training
    match: { hosts: [train.ai.internal] }
  - name: model-registry
    segment: deployment
    match: { hosts: [models.ai.internal] }
groups:
  ds: { segments: [training] }
  ops: { segments: [training, deployment] }
`);

type Facts = ReturnType<typeof goodFacts>;

function input(change: (f: Facts) => void = () => {}, extra: Partial<PostureInput> = {}): PostureInput {
  const facts = goodFacts();
  change(facts);
  return { submods: submodsFrom(facts), user: 'ada', groups: ['ds'], attestedAt: new Date(NOW.getTime() - 60_000), now: NOW, platform: 'linux', ...extra };
}

describe('evaluatePosture: enforcement modes', () => {
  const CASES: {
    name: string;
    change?: (f: Facts) => void;
    extra?: Partial<PostureInput>;
    decision: 'allow' | 'deny';
    ear: 'affirming' | 'warning' | 'contraindicated';
    reasons?: string[];
    warning?: { kind: 'warning' | 'notice'; code: string; message?: string };
  }[] = [
    { name: 'everything passes', decision: 'allow', ear: 'affirming' },
    { name: 'block: firewall off denies', change: (f) => (f.firewall.enabled = false), decision: 'deny', ear: 'contraindicated', reasons: ['firewall.disabled'] },
    {
      name: 'warn-until before the date: unencrypted disk is allowed with a warning',
      change: (f) => (f.disk_encryption.systemVolumeEncrypted = false),
      decision: 'allow',
      ear: 'warning',
      warning: { kind: 'warning', code: 'disk_encryption.system_volume_unencrypted', message: 'Disk encryption will be required for training from 1 Dec 2026.' },
    },
    {
      name: 'warn-until after the date: unencrypted disk is blocked',
      change: (f) => (f.disk_encryption.systemVolumeEncrypted = false),
      extra: { now: LATER, attestedAt: new Date(LATER.getTime() - 60_000) },
      decision: 'deny',
      ear: 'contraindicated',
      reasons: ['disk_encryption.system_volume_unencrypted'],
    },
    {
      name: 'warn-until exactly at the deadline blocks',
      change: (f) => (f.disk_encryption.systemVolumeEncrypted = false),
      extra: { now: new Date('2026-12-01T00:00:00Z'), attestedAt: new Date('2026-11-30T23:59:00Z') },
      decision: 'deny',
      ear: 'contraindicated',
    },
    {
      name: 'notify: MDM not enrolled is allowed and recorded as a notice',
      change: (f) => (f.mdm.enrolled = false),
      decision: 'allow',
      ear: 'affirming',
      warning: { kind: 'notice', code: 'mdm.not_enrolled', message: 'double: mdm failed (training: monitored, not enforced).' },
    },
    { name: 'unknown under block denies', change: (f) => delete f.firewall.enabled, decision: 'deny', ear: 'contraindicated', reasons: ['firewall.unknown_double'] },
    { name: 'a missing submod is unknown and denies', change: (f) => delete (f as Partial<Facts>).firewall, decision: 'deny', ear: 'contraindicated', reasons: ['firewall.not_collected'] },
    { name: 'facts of the wrong shape deny', change: (f) => (f.firewall.enabled = 'yes'), decision: 'deny', ear: 'contraindicated', reasons: ['firewall.facts_invalid'] },
    {
      name: 'a false CEL expression denies with expr.<name>',
      change: (f) => ((f.os_patch.os as { version: string }).version = '15.1 Beta'),
      decision: 'deny',
      ear: 'contraindicated',
      reasons: ['expr.no_beta_os'],
    },
    {
      name: 'a CEL evaluation error denies (never a pass)',
      change: (f) => delete (f.os_patch.os as { version?: string }).version,
      decision: 'deny',
      ear: 'contraindicated',
      reasons: ['expr.no_beta_os.unknown'],
    },
    { name: 'CEL sees device and now', extra: { platform: 'darwin' }, decision: 'deny', ear: 'contraindicated', reasons: ['expr.linux_only'] },
    { name: 'stale evidence denies', extra: { attestedAt: new Date(NOW.getTime() - 16 * 60_000) }, decision: 'deny', ear: 'contraindicated', reasons: ['posture.stale'] },
    { name: 'evidence exactly at the age limit still counts', extra: { attestedAt: new Date(NOW.getTime() - 15 * 60_000) }, decision: 'allow', ear: 'affirming' },
  ];

  it.each(CASES)('$name', ({ change, extra, decision, ear, reasons, warning }) => {
    const r = evaluatePosture(POLICY, input(change, extra), DOUBLE_RULES);
    const res = r.resources['training-cluster'];
    expect(res?.decision).toBe(decision);
    expect(r.ear_status).toBe(ear);
    for (const code of reasons ?? []) expect(res?.reasons).toContain(code);
    if (decision === 'deny') {
      expect(r.segments.training?.satisfied).toBe(false);
      expect(res?.message).toMatch(/\.$/);
    }
    if (warning) {
      expect(res?.warnings).toContainEqual(expect.objectContaining(warning));
      expect(r.segments.training?.warnings).toContainEqual(expect.objectContaining(warning));
    }
  });

  it('names what to fix in the deny message', () => {
    const r = evaluatePosture(POLICY, input((f) => {
      f.firewall.enabled = false;
      (f.os_patch.os as { version: string }).version = '15 Beta';
      delete f.os_patch.pendingSecurityUpdates;
    }), DOUBLE_RULES);
    expect(r.resources['training-cluster']?.message).toBe(
      'To reach training-cluster, fix on this device: OS updates (could not be verified), the firewall and "Beta OS builds are not allowed".',
    );
    expect(r.segments.training?.checks.firewall).toMatchObject({ status: 'fail', enforcement: { mode: 'block', effect: 'block' } });
  });

  it('words warnings for expressions', () => {
    const p = mustLoad(`version: 1
segments:
  training:
    requirements: {}
    expressions:
      - { name: no_beta_os, expr: "!facts.os_patch.os.version.contains('Beta')", message: Beta OS builds are not allowed. }
    enforcement: { no_beta_os: { mode: warn-until, until: 2026-12-01 } }
`);
    const r = evaluatePosture(p, input((f) => ((f.os_patch.os as { version: string }).version = '15 Beta')), DOUBLE_RULES);
    expect(r.segments.training?.warnings).toEqual([
      { kind: 'warning', code: 'expr.no_beta_os', subject: 'no_beta_os', message: 'The rule "Beta OS builds are not allowed" will be enforced for training from 1 Dec 2026.', until: '2026-12-01T00:00:00.000Z' },
    ]);
  });

  it('says how to recover from stale evidence', () => {
    const r = evaluatePosture(POLICY, input(undefined, { attestedAt: new Date(NOW.getTime() - 3_600_000) }), DOUBLE_RULES);
    expect(r.resources['training-cluster']?.message).toMatch(/older than 15 minutes; let the posture agent check in again/);
  });
});

describe('evaluatePosture: RBAC, EAR status and freshness', () => {
  it('denies a segment the groups do not grant, without making the device contraindicated', () => {
    const r = evaluatePosture(POLICY, input(), DOUBLE_RULES);
    expect(r.resources['model-registry']).toMatchObject({ decision: 'deny', reasons: ['rbac.segment_not_granted'] });
    expect(r.resources['model-registry']?.message).toMatch(/do not grant the deployment segment/);
    expect(r.ear_status).toBe('affirming');
  });

  it('denies everything to a user in no known group', () => {
    const r = evaluatePosture(POLICY, input(undefined, { groups: ['__proto__', 'constructor', 'nobody'] }), DOUBLE_RULES);
    expect(Object.values(r.resources).map((v) => v.decision)).toEqual(['deny', 'deny']);
    expect(Object.values(r.resources).every((v) => v.reasons[0] === 'rbac.segment_not_granted')).toBe(true);
  });

  it('ends freshness at the shortest evidence age of the segments the user reaches', () => {
    const attestedAt = new Date(NOW.getTime() - 60_000);
    expect(evaluatePosture(POLICY, input(), DOUBLE_RULES).fresh_until).toBe(new Date(attestedAt.getTime() + 15 * 60_000).toISOString());
    expect(evaluatePosture(POLICY, input(undefined, { groups: ['ops'] }), DOUBLE_RULES).fresh_until).toBe(new Date(attestedAt.getTime() + 5 * 60_000).toISOString());
  });

  it('ends freshness at a warn-until deadline that would turn a warning into a block', () => {
    const justBefore = new Date('2026-11-30T23:55:00Z');
    const r = evaluatePosture(POLICY, input((f) => (f.disk_encryption.systemVolumeEncrypted = false), { now: justBefore, attestedAt: justBefore }), DOUBLE_RULES);
    expect(r.fresh_until).toBe('2026-12-01T00:00:00.000Z');
  });

  it('treats a rule that throws as unknown, never a pass', () => {
    const rules: RuleRegistry = { ...DOUBLE_RULES, firewall: () => { throw new Error('boom'); } };
    const r = evaluatePosture(POLICY, input(), rules);
    expect(r.segments.training?.checks.firewall).toMatchObject({ status: 'unknown', reasons: ['firewall.rule_error'] });
    expect(r.resources['training-cluster']?.decision).toBe('deny');
  });

  it('treats unsupported as not passing', () => {
    const rules: RuleRegistry = { ...DOUBLE_RULES, firewall: () => ({ status: 'unsupported', summary: 'no firewall API', reasons: [] }) };
    const r = evaluatePosture(POLICY, input(), rules);
    expect(r.resources['training-cluster']).toMatchObject({ decision: 'deny', reasons: ['firewall.unsupported'] });
  });

  it('evaluates the example policy for a data scientist with a healthy laptop', () => {
    const p = examplePolicy();
    const r = evaluatePosture(p, { submods: submodsFrom(goodFacts()), user: 'ada', groups: ['data-scientists'], attestedAt: NOW, now: NOW, platform: 'linux' }, DOUBLE_RULES);
    const decisions = Object.fromEntries(Object.entries(r.resources).map(([k, v]) => [k, v.decision]));
    expect(decisions).toEqual({
      'jupyter-hub': 'allow',
      'feature-store': 'allow',
      'data-lake': 'allow',
      'training-cluster': 'allow',
      'model-registry': 'deny',
      'inference-gateway': 'deny',
    });
    expect(r.ear_status).toBe('affirming');
    expect(r.policy_revision).toBe(p.revision);
    expect([...Value.Errors(PostureResultSchema, r)]).toEqual([]);
  });

  it('lets a contractor with a lax screen lock into experimentation with a warning only', () => {
    const facts = goodFacts();
    facts.screen_lock.idleTimeoutSeconds = 3600;
    const r = evaluatePosture(examplePolicy(), { submods: submodsFrom(facts), user: 'c', groups: ['contractors'], attestedAt: NOW, now: NOW, platform: 'linux' }, DOUBLE_RULES);
    expect(r.resources['jupyter-hub']?.decision).toBe('allow');
    expect(r.resources['jupyter-hub']?.warnings[0]?.message).toBe('Screen lock will be required for experimentation from 1 Dec 2026.');
    expect(r.ear_status).toBe('warning');
    expect(r.segments.training?.satisfied).toBe(false);
  });

  it('ignores submods for checks it does not know and prototype keys', () => {
    const submods = { ...submodsFrom(goodFacts()), bogus: { status: 'pass', facts: {} } } as PostureInput['submods'];
    Object.defineProperty(submods, '__proto__', { value: { status: 'pass', facts: {} }, enumerable: true });
    const r = evaluatePosture(POLICY, input(undefined, { submods }), DOUBLE_RULES);
    expect(r.resources['training-cluster']?.decision).toBe('allow');
    const ids = Object.keys(r.segments.training?.checks ?? {}) as CheckId[];
    expect(ids).toEqual(['os_patch', 'disk_encryption', 'firewall', 'mdm']);
  });
});
