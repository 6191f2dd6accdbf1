import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../../src/service/policy/index.js';
import { examplePolicy } from './doubles.js';

const BASE = `version: 1
defaults: { max_evidence_age: 15m }
segments:
  training:
    max_evidence_age: 10m
    requirements:
      disk_encryption: { required: true }
      screen_lock: { required: true, max_idle_seconds: 900 }
    expressions:
      - name: no_beta_os
        expr: "!facts.os_patch.os.version.contains('Beta')"
        message: Beta OS builds are not allowed
    enforcement:
      screen_lock: { mode: warn-until, until: 2026-12-01 }
      no_beta_os: { mode: notify }
resources:
  - name: training-cluster
    segment: training
    match: { hosts: [train.ai.internal], path_prefix: / }
  - name: training-api
    segment: training
    match: { hosts: [train.ai.internal], path_prefix: /api }
groups:
  ds: { segments: [training] }
`;

/** BASE with one substring replaced; the replacement must apply. */
function edit(from: string, to: string): string {
  if (!BASE.includes(from)) throw new Error(`BASE lacks ${from}`);
  return BASE.replace(from, () => to);
}

describe('loadPolicy', () => {
  it('loads the example policy with its four segments, six resources and three groups', () => {
    const p = examplePolicy();
    expect([...p.segments.keys()]).toEqual(['experimentation', 'data-storage', 'training', 'deployment']);
    expect(p.resources.map((r) => r.name)).toEqual(['jupyter-hub', 'feature-store', 'data-lake', 'training-cluster', 'model-registry', 'inference-gateway']);
    expect([...p.groups.keys()]).toEqual(['data-scientists', 'ml-platform', 'contractors']);
    expect(p.segments.get('deployment')?.maxEvidenceAgeMs).toBe(600_000);
    expect(p.segments.get('data-storage')?.maxEvidenceAgeMs).toBe(900_000);
    expect(p.segments.get('experimentation')?.enforcement.get('screen_lock')).toMatchObject({ mode: 'warn-until', untilText: '2026-12-01' });
    expect(p.revision).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts the minimal base policy used by these tests', () => {
    expect(loadPolicy(BASE, 'base').ok).toBe(true);
  });

  it('returns a deeply frozen policy whose maps cannot be changed', () => {
    const r = loadPolicy(BASE, 'base');
    if (!r.ok) throw new Error('base must load');
    expect(Object.isFrozen(r.policy)).toBe(true);
    expect(Object.isFrozen(r.policy.segments.get('training')?.requirements)).toBe(true);
    expect(() => (r.policy.segments as Map<string, unknown>).set('x', {})).toThrow(TypeError);
  });

  const INVALID: { name: string; text: string; path: string; message?: RegExp }[] = [
    { name: 'a resource in an unknown segment', text: edit('segment: training\n    match: { hosts: [train.ai.internal], path_prefix: / }', 'segment: nowhere\n    match: { hosts: [train.ai.internal], path_prefix: / }'), path: '/resources/0/segment', message: /no segment "nowhere"/ },
    { name: 'a group granting an unknown segment', text: edit('ds: { segments: [training] }', 'ds: { segments: [training, gpu] }'), path: '/groups/ds/segments/1' },
    { name: 'a date that does not exist', text: edit('until: 2026-12-01', 'until: 2026-02-30'), path: '/segments/training/enforcement/screen_lock/until', message: /not a real date/ },
    { name: 'a date that is not a date', text: edit('until: 2026-12-01', 'until: next spring'), path: '/segments/training/enforcement/screen_lock/until' },
    { name: 'warn-until without a date', text: edit('{ mode: warn-until, until: 2026-12-01 }', '{ mode: warn-until }'), path: '/segments/training/enforcement/screen_lock/until' },
    { name: 'an enforcement mode that does not exist', text: edit('{ mode: notify }', '{ mode: shout }'), path: '/segments/training/enforcement/no_beta_os/mode' },
    { name: 'enforcement for a check the segment does not require', text: edit('no_beta_os: { mode: notify }', 'edr: { mode: notify }'), path: '/segments/training/enforcement/edr', message: /neither a check/ },
    { name: 'CEL that does not parse', text: edit(`"!facts.os_patch.os.version.contains('Beta')"`, '"facts.os_patch +"'), path: '/segments/training/expressions/0/expr', message: /does not parse/ },
    { name: 'CEL that uses an unknown variable', text: edit(`"!facts.os_patch.os.version.contains('Beta')"`, '"user.admin"'), path: '/segments/training/expressions/0/expr' },
    { name: 'CEL that is not a boolean', text: edit(`"!facts.os_patch.os.version.contains('Beta')"`, '"1 + 2"'), path: '/segments/training/expressions/0/expr', message: /not a boolean/ },
    { name: 'CEL with a catastrophic regular expression', text: edit(`"!facts.os_patch.os.version.contains('Beta')"`, `"facts.os_patch.os.version.matches('(a+)+$')"`), path: '/segments/training/expressions/0/expr', message: /too costly/ },
    { name: 'an expression named like a check', text: edit('- name: no_beta_os', '- name: edr').replace('no_beta_os: { mode: notify }', ''), path: '/segments/training/expressions/0/name' },
    { name: 'a duplicate resource name', text: edit('name: training-api', 'name: training-cluster'), path: '/resources/1/name', message: /used twice/ },
    { name: 'two resources on the same host and path', text: edit('path_prefix: /api', 'path_prefix: /'), path: '/resources/1/match', message: /ambiguous/ },
    { name: 'a path prefix with ..', text: edit('path_prefix: /api', 'path_prefix: /api/../admin'), path: '/resources/1/match/path_prefix' },
    { name: 'an invalid resource name', text: edit('name: training-api', 'name: Training API'), path: '/resources/1/name' },
    { name: 'an uppercase host', text: edit('hosts: [train.ai.internal], path_prefix: /api', 'hosts: [Train.AI.internal], path_prefix: /api'), path: '/resources/1/match/hosts/0' },
    { name: 'a duration that does not parse', text: edit('max_evidence_age: 10m', 'max_evidence_age: 10 minutes'), path: '/segments/training/max_evidence_age', message: /not a duration/ },
    { name: 'a zero default duration', text: edit('max_evidence_age: 15m', 'max_evidence_age: 0m'), path: '/defaults/max_evidence_age' },
    { name: 'a duration over 30 days', text: edit('max_evidence_age: 10m', 'max_evidence_age: 90d'), path: '/segments/training/max_evidence_age' },
    { name: 'an unknown top-level key', text: `${BASE}owner: me\n`, path: '/owner', message: /not a known key/ },
    { name: 'a misspelt segment key', text: edit('    requirements:\n', '    requirement:\n'), path: '/segments/training/requirement' },
    { name: 'an unknown requirement field', text: edit('disk_encryption: { required: true }', 'disk_encryption: { required: true, algorithm: aes }'), path: '/segments/training/requirements/disk_encryption/algorithm' },
    { name: 'an unknown check', text: edit('disk_encryption: { required: true }', 'antivirus: { required: true }'), path: '/segments/training/requirements/antivirus' },
    { name: 'a wrongly typed requirement', text: edit('max_idle_seconds: 900', 'max_idle_seconds: fifteen'), path: '/segments/training/requirements/screen_lock/max_idle_seconds' },
    { name: 'another policy version', text: edit('version: 1', 'version: 2'), path: '/version' },
    { name: 'a duplicate YAML key', text: edit('  training:\n', '  training:\n    description: a\n    description: b\n'), path: '/segments/training/description', message: /more than once/ },
    { name: 'a __proto__ key', text: edit('groups:\n', 'groups:\n  __proto__: { segments: [training] }\n'), path: '/groups/__proto__', message: /not allowed/ },
    { name: 'a constructor key', text: edit('segments:\n', 'segments:\n  constructor: { requirements: {} }\n'), path: '/segments/constructor' },
    { name: 'a YAML syntax error', text: 'version: 1\nsegments: [unclosed\n', path: '' },
    { name: 'several documents', text: `${BASE}---\nversion: 1\n`, path: '' },
    { name: 'a custom tag', text: edit('version: 1', 'version: !!python/object 1'), path: '' },
    { name: 'an empty file', text: '', path: '' },
    { name: 'a list instead of a map', text: '- version: 1\n', path: '' },
  ];

  it.each(INVALID)('rejects $name at $path', ({ text, path, message }) => {
    const r = loadPolicy(text, 'test.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const hit = r.errors.find((e) => e.path === path);
    expect(hit, JSON.stringify(r.errors)).toBeDefined();
    if (message) expect(hit?.message).toMatch(message);
  });

  it('rejects a billion-laughs alias bomb quickly', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f'], ['f', 'g']] as const) {
      bomb.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const started = Date.now();
    const r = loadPolicy(`${bomb.join('\n')}\n`, 'bomb.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.message).toMatch(/alias|resource exhaustion/i);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rejects a 2 MiB file before parsing it', () => {
    const big = `${BASE}# ${'x'.repeat(2 * 1024 * 1024)}\n`;
    const r = loadPolicy(big, 'big.yaml');
    expect(r).toEqual({ ok: false, errors: [{ path: '', message: expect.stringMatching(/1 MiB/) }] });
  });

  it('rejects deep nesting without overflowing the stack', () => {
    const flow = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const block = Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    for (const text of [flow, block]) {
      const r = loadPolicy(text, 'deep.yaml');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.some((e) => /nests deeper/.test(e.message))).toBe(true);
    }
  });

  it('does not pollute Object.prototype through __proto__ keys', () => {
    loadPolicy('__proto__: { polluted: true }\nversion: 1\n', 'proto.yaml');
    loadPolicy(edit('groups:\n', 'groups:\n  "__proto__": { segments: [training], polluted: true }\n'), 'proto.yaml');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('never throws on random YAML-ish input (property)', () => {
    const token = fc.constantFrom(
      'version: 1\n', 'segments:\n', '  training:\n', '    requirements: {}\n', 'resources:\n', '- ', 'name: x\n', 'groups:\n',
      ':', ' ', '\n', '  ', '\t', '[', ']', '{', '}', ',', '&a ', '*a', '!!str ', '!!binary ', '!x ', '"', "'", '#', '?', '|', '>',
      '__proto__', 'constructor', '<<: ', '---\n', '...\n', '%YAML 1.2\n', 'expr: "1 +"\n', 'until: 2026-02-30\n', '\u0000', '\uFEFF', '1e999', '~',
    );
    const yamlish = fc.oneof(fc.string({ maxLength: 200 }), fc.array(token, { maxLength: 60 }).map((t) => t.join('')));
    fc.assert(
      fc.property(yamlish, (text) => {
        const r = loadPolicy(text, 'fuzz.yaml');
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('mfa.max_auth_age alias', () => {
  const withMfa = (mfa: string) => `version: 1
segments:
  s:
    requirements:
      mfa: ${mfa}
resources:
  - name: r
    segment: s
    match: { hosts: [r.ai.internal], path_prefix: / }
groups:
  g: { segments: [s] }
`;

  it('accepts max_auth_age: 12h as 43200 seconds', () => {
    const r = loadPolicy(withMfa('{ required: true, amr_any: [mfa], max_auth_age: 12h }'), 'alias.yaml');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.policy.segments.get('s')?.requirements.mfa).toEqual({ required: true, amr_any: ['mfa'], max_auth_age_seconds: 43200 });
  });

  it('rejects a malformed duration and a duplicate of max_auth_age_seconds', () => {
    const bad = loadPolicy(withMfa('{ required: true, max_auth_age: twelve }'), 'alias.yaml');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]?.path).toBe('/segments/s/requirements/mfa/max_auth_age');
    const both = loadPolicy(withMfa('{ required: true, max_auth_age: 12h, max_auth_age_seconds: 60 }'), 'alias.yaml');
    expect(both.ok).toBe(false);
  });
});
