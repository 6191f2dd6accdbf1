import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ITEMS, MAX_STRING, OCSF_VERSION, toOcsf, type OcsfContext, type OcsfEvent } from '../../../src/service/events/ocsf.js';
import { createPseudonymizer } from '../../../src/service/events/pseudonym.js';
import type { EventRecord } from '../../../src/service/store/types.js';

/**
 * Required attributes per class, OCSF 1.5.0 (requirement "required"), from ocsf/ocsf-schema:
 * events/base_event.json (activity_id, category_uid, class_uid, metadata, severity_id, time,
 * type_uid) plus the class files events/discovery/inventory_info.json (device),
 * events/discovery/device_config_state_change.json (device), events/findings/finding.json +
 * compliance_finding.json (finding_info, compliance), events/application/
 * web_resource_access_activity.json (http_request, web_resources), events/iam/authentication.json
 * (user). Profile attributes (cloud, osint, …) are required only when that profile is applied;
 * these events apply only `host`, which requires nothing.
 */
const BASE_REQUIRED = ['activity_id', 'category_uid', 'class_uid', 'metadata', 'severity_id', 'time', 'type_uid'];
const REQUIRED: Record<number, string[]> = {
  5001: [...BASE_REQUIRED, 'device'],
  5019: [...BASE_REQUIRED, 'device'],
  2003: [...BASE_REQUIRED, 'finding_info', 'compliance'],
  6004: [...BASE_REQUIRED, 'http_request', 'web_resources'],
  3002: [...BASE_REQUIRED, 'user'],
};
/** Required attributes of the objects used (objects/metadata.json, device.json, os.json, finding_info.json, http_response.json). */
const OBJECT_REQUIRED: Record<string, string[]> = {
  metadata: ['product', 'version'],
  device: ['type_id'],
  os: ['name', 'type_id'],
  finding_info: ['uid'],
  http_response: ['code'],
};

const AT = Date.UTC(2026, 5, 1, 12, 0, 0);
const USER = 'alice.liddell@example.com';
const product: OcsfContext['product'] = { name: 'posture-service', version: '0.1.0', vendorName: 'AI Factory Posture' };
const device = { id: 'dev_abc', user: USER, hostname: 'ws-042', platform: 'linux', jkt: 'jkt-stored' };
const ctx: OcsfContext = { product, device };
const KEY = new Uint8Array(32).fill(7);
const pseudonymize = createPseudonymizer(KEY);
const PSN = pseudonymize(USER);

/** An event record; `deviceId: null` for one without a device (an anonymous deny). */
const ev = (seq: number, type: string, data: unknown, deviceId: string | null = 'dev_abc'): EventRecord => ({ seq, at: AT + seq, type, data, ...(deviceId !== null ? { deviceId } : {}) });

const SAMPLES: EventRecord[] = [
  ev(1, 'device.enrolled', { user: USER, groups: ['ml-research', 'staff'], jkt: 'jkt-1', platform: 'darwin', hostname: 'mbp-7' }),
  ev(2, 'device.attested', {
    user: USER,
    earStatus: 'contraindicated',
    previous: 'affirming',
    checks: { 'disk-encryption': { status: 'fail', reasons: ['FileVault is off'] }, edr: { status: 'pass', reasons: [] }, mfa: { status: 'unknown', reasons: ['no ID token'] }, firewall: { status: 'not_applicable', reasons: [] } },
    resources: { 'training-cluster': 'deny', wiki: 'allow' },
    resultJti: 'res_123',
    platform: 'linux',
    hostname: 'ws-042',
  }),
  ev(3, 'device.compliance-changed', { from: 'affirming', to: 'contraindicated', cause: 'attestation' }),
  ev(4, 'device.verdicts-changed', { resources: { 'training-cluster': 'deny', wiki: 'allow' }, previous: { 'training-cluster': 'allow', wiki: 'allow' } }),
  ev(5, 'device.revoked', { by: 'admin.bob@example.com' }),
  ev(6, 'mfa.id-token-rejected', { code: 'user-mismatch', detail: `the ID token is for mallory@example.com, the device is enrolled for ${USER}` }),
  ev(7, 'authz.denied', { resource: 'training-cluster', status: 403, problem: 'not-compliant', reasons: ['disk-encryption'], count: 4, firstAt: AT - 900, lastAt: AT - 100, method: 'POST', host: 'train.example', uri: '/v1/jobs?queue=gpu', clientIp: '10.1.2.3' }),
];

function one(e: EventRecord, c: OcsfContext = ctx): OcsfEvent {
  const out = toOcsf(e, c);
  expect(out).toHaveLength(1);
  return out[0]!;
}

function expectRequired(o: OcsfEvent): void {
  const required = REQUIRED[o.class_uid];
  expect(required, `class ${o.class_uid} is one of the exported classes`).toBeDefined();
  for (const a of required!) expect(o, `${o.class_uid} requires ${a}`).toHaveProperty(a);
  expect(o.type_uid).toBe(o.class_uid * 100 + o.activity_id);
  expect(o.metadata.version).toBe(OCSF_VERSION);
  const objects: [string, unknown][] = [['metadata', o.metadata], ['device', o.device], ['os', (o.device as { os?: unknown } | undefined)?.os], ['finding_info', o.finding_info], ['http_response', o.http_response]];
  for (const [name, value] of objects) if (value !== undefined) for (const a of OBJECT_REQUIRED[name]!) expect(value, `${name} requires ${a}`).toHaveProperty(a);
  // "at least one of" constraints: device (uid/hostname/…), user and web_resource (name/uid).
  if (o.device) expect(Object.keys(o.device as object).some((k) => ['uid', 'hostname', 'name', 'ip'].includes(k))).toBe(true);
  for (const u of [o.user, (o.actor as { user?: unknown } | undefined)?.user]) if (u) expect(Object.keys(u as object).some((k) => ['name', 'uid', 'account'].includes(k))).toBe(true);
  for (const r of (o.web_resources as object[] | undefined) ?? []) expect(Object.keys(r).some((k) => k === 'name' || k === 'uid')).toBe(true);
}

/** Every string and list in a JSON value, for the bounds checks. */
function walk(v: unknown, visit: (x: unknown) => void): void {
  visit(v);
  if (Array.isArray(v)) v.forEach((x) => walk(x, visit));
  else if (typeof v === 'object' && v !== null) Object.values(v).forEach((x) => walk(x, visit));
}

const metadataOf = (seq: number, type: string, profiles = true): OcsfEvent['metadata'] => ({
  version: '1.5.0',
  product: { name: 'posture-service', vendor_name: 'AI Factory Posture', version: '0.1.0' },
  uid: `evt-${seq}`,
  event_code: type,
  log_name: 'events',
  sequence: seq,
  ...(profiles ? { profiles: ['host'] } : {}),
});

describe('toOcsf: one mapping per event type', () => {
  it('maps device.enrolled to Device Inventory Info (5001) with the owner, groups and OS', () => {
    expect(one(SAMPLES[0]!)).toEqual({
      class_uid: 5001,
      class_name: 'Device Inventory Info',
      category_uid: 5,
      category_name: 'Discovery',
      activity_id: 1,
      activity_name: 'Log',
      type_uid: 500101,
      type_name: 'Device Inventory Info: Log',
      severity_id: 1,
      severity: 'Informational',
      status_id: 1,
      status: 'Success',
      time: AT + 1,
      metadata: metadataOf(1, 'device.enrolled'),
      message: 'Device enrolled',
      device: { uid: 'dev_abc', type_id: 0, type: 'Unknown', hostname: 'mbp-7', os: { name: 'macOS', type: 'macOS', type_id: 300 }, owner: { name: USER, groups: [{ name: 'ml-research' }, { name: 'staff' }] }, first_seen_time: AT + 1 },
      actor: { user: { name: USER } },
      unmapped: { jkt: 'jkt-1' },
    });
  });

  it('maps device.attested to Compliance Finding (2003) with one compliance check per agent check', () => {
    const o = one(SAMPLES[1]!);
    expect(o).toMatchObject({ class_uid: 2003, category_uid: 2, activity_id: 1, activity_name: 'Create', type_uid: 200301, severity_id: 3, status_id: 1, status: 'New', time: AT + 2 });
    expect(o.metadata).toEqual(metadataOf(2, 'device.attested'));
    expect(o.finding_info).toEqual({ uid: 'res_123', title: 'Device posture attestation: contraindicated', types: ['Device Posture Attestation'], created_time: AT + 2 });
    expect(o.compliance).toEqual({
      status_id: 3,
      status: 'Fail',
      checks: [
        { uid: 'disk-encryption', name: 'disk-encryption', status_id: 3, status: 'Fail' },
        { uid: 'edr', name: 'edr', status_id: 1, status: 'Pass' },
        { uid: 'mfa', name: 'mfa', status_id: 0, status: 'Unknown' },
        { uid: 'firewall', name: 'firewall', status_id: 99, status: 'not_applicable' },
      ],
    });
    expect(o.device).toEqual({ uid: 'dev_abc', type_id: 0, type: 'Unknown', hostname: 'ws-042', os: { name: 'Linux', type: 'Linux', type_id: 200 }, owner: { name: USER }, is_compliant: false });
    expect(o.actor).toEqual({ user: { name: USER } });
    expect(o.unmapped).toEqual({
      ear_status: 'contraindicated',
      previous_ear_status: 'affirming',
      resources: [{ name: 'training-cluster', decision: 'deny' }, { name: 'wiki', decision: 'allow' }],
      check_reasons: [{ uid: 'disk-encryption', reasons: ['FileVault is off'] }, { uid: 'mfa', reasons: ['no ID token'] }],
    });
  });

  it.each([
    ['affirming', 1, 1, 'Pass', true],
    ['warning', 2, 2, 'Warning', true],
    ['contraindicated', 3, 3, 'Fail', false],
    ['none', 2, 0, 'Unknown', false],
  ] as const)('rates an attestation with EAR status %s: severity %i, compliance status %i %s, compliant %s', (status, severity, cid, caption, compliant) => {
    const o = one(ev(9, 'device.attested', { user: USER, earStatus: status, checks: {}, resources: {}, resultJti: 'r' }));
    expect(o.severity_id).toBe(severity);
    expect(o.compliance).toEqual({ status_id: cid, status: caption, checks: [] });
    expect((o.device as { is_compliant: boolean }).is_compliant).toBe(compliant);
  });

  it('maps device.compliance-changed to Device Config State Change (5019) with security levels and states', () => {
    const o = one(SAMPLES[2]!);
    expect(o).toMatchObject({ class_uid: 5019, class_name: 'Device Config State Change', category_uid: 5, activity_id: 1, type_uid: 501901, severity_id: 3, severity: 'Medium', status_id: 1, time: AT + 3 });
    expect(o.metadata.uid).toBe('evt-3');
    expect(o.message).toBe('Device posture changed from affirming to contraindicated (attestation)');
    expect(o).toMatchObject({ security_level_id: 2, security_level: 'At Risk', security_states: [{ state_id: 23, state: 'Compliance failure' }], prev_security_level_id: 1, prev_security_level: 'Secure' });
    expect(o).not.toHaveProperty('prev_security_states');
    expect(o.device).toEqual({ uid: 'dev_abc', type_id: 0, type: 'Unknown', hostname: 'ws-042', os: { name: 'Linux', type: 'Linux', type_id: 200 }, owner: { name: USER }, is_compliant: false });
    expect(o.unmapped).toEqual({ from: 'affirming', to: 'contraindicated', cause: 'attestation' });
  });

  it('rates a verdict change that denies a resource Medium and one that only allows Informational', () => {
    const o = one(SAMPLES[3]!);
    expect(o).toMatchObject({ class_uid: 5019, category_uid: 5, activity_id: 1, type_uid: 501901, severity_id: 3, status_id: 1, time: AT + 4, message: 'Resource verdicts changed: training-cluster: allow → deny' });
    expect(o.metadata.uid).toBe('evt-4');
    expect(o.device).toMatchObject({ uid: 'dev_abc', owner: { name: USER } });
    expect(o.unmapped).toEqual({ resources: [{ name: 'training-cluster', decision: 'deny', previous: 'allow' }, { name: 'wiki', decision: 'allow', previous: 'allow' }] });
    const relaxed = one(ev(8, 'device.verdicts-changed', { resources: { wiki: 'allow' }, previous: { wiki: 'deny' } }));
    expect(relaxed.severity_id).toBe(1);
  });

  it('maps device.revoked to 5019 with the revoking admin as actor', () => {
    const o = one(SAMPLES[4]!);
    expect(o).toMatchObject({ class_uid: 5019, category_uid: 5, activity_id: 1, type_uid: 501901, severity_id: 2, severity: 'Low', status_id: 1, time: AT + 5, message: 'Device revoked' });
    expect(o.metadata.uid).toBe('evt-5');
    expect(o.actor).toEqual({ user: { name: 'admin.bob@example.com' } });
    expect(o.device).toMatchObject({ uid: 'dev_abc', owner: { name: USER } });
    expect(one(ev(5, 'device.revoked', {}))).not.toHaveProperty('actor');
  });

  it('maps mfa.id-token-rejected to Authentication (3002), activity Other, status Failure', () => {
    const o = one(SAMPLES[5]!);
    expect(o).toMatchObject({ class_uid: 3002, category_uid: 3, category_name: 'Identity & Access Management', activity_id: 99, type_uid: 300299, severity_id: 2, status_id: 2, status: 'Failure', time: AT + 6 });
    expect(o).toMatchObject({ status_code: 'user-mismatch', status_detail: `the ID token is for mallory@example.com, the device is enrolled for ${USER}`, auth_protocol_id: 4, auth_protocol: 'OpenID', user: { name: USER } });
    expect(o.metadata.uid).toBe('evt-6');
    expect(o.device).toMatchObject({ uid: 'dev_abc' });
    expect(toOcsf(SAMPLES[5]!, { product }), 'no device record: the required user is unknown').toEqual([]);
  });

  it('maps authz.denied to Web Resource Access Activity (6004), Access Deny, with the request and count', () => {
    const o = one(SAMPLES[6]!);
    expect(o).toMatchObject({ class_uid: 6004, category_uid: 6, category_name: 'Application Activity', activity_id: 2, activity_name: 'Access Deny', type_uid: 600402, severity_id: 3, status_id: 2, status: 'Failure', time: AT + 7 });
    expect(o.metadata.uid).toBe('evt-7');
    expect(o).toMatchObject({
      status_code: 'not-compliant',
      status_detail: 'disk-encryption',
      count: 4,
      start_time: AT - 900,
      end_time: AT - 100,
      web_resources: [{ name: 'training-cluster' }],
      http_request: { http_method: 'POST', url: { hostname: 'train.example', path: '/v1/jobs', query_string: 'queue=gpu' } },
      http_response: { code: 403 },
      src_endpoint: { ip: '10.1.2.3' },
      actor: { user: { name: USER } },
    });
    expect(o.device).toMatchObject({ uid: 'dev_abc', hostname: 'ws-042' });
  });

  it('maps an anonymous 401 deny without device or user, and keeps what is not an IP out of src_endpoint', () => {
    const o = one(ev(10, 'authz.denied', { resource: 'wiki', status: 401, problem: 'unauthenticated', reasons: [], count: 1, firstAt: AT, lastAt: AT, clientIp: 'not-an-ip', uri: 'https://wiki.example/a' }, null), { product, device });
    expect(o).toMatchObject({ class_uid: 6004, severity_id: 2, http_response: { code: 401 }, http_request: { url: { url_string: 'https://wiki.example/a' } }, unmapped: { problem: 'unauthenticated', client_ip: 'not-an-ip' } });
    expect(o).not.toHaveProperty('device');
    expect(o).not.toHaveProperty('actor');
    expect(o).not.toHaveProperty('src_endpoint');
    expect(o).not.toHaveProperty('metadata.profiles');
  });

  it('fills every required attribute of each class', () => {
    for (const e of SAMPLES) expectRequired(one(e));
  });

  it('gives a stable metadata.uid per event, so redeliveries de-duplicate', () => {
    for (const e of SAMPLES) expect(one(e).metadata.uid).toBe(one(structuredClone(e)).metadata.uid);
    expect(new Set(SAMPLES.map((e) => one(e).metadata.uid)).size).toBe(SAMPLES.length);
  });

  it('exports nothing for unknown types, prototype names as types, or unusable seq/at', () => {
    for (const type of ['device.renamed', '', 'constructor', '__proto__', 'toString']) expect(toOcsf(ev(1, type, {}), ctx)).toEqual([]);
    expect(toOcsf({ ...SAMPLES[0]!, seq: -1 }, ctx)).toEqual([]);
    expect(toOcsf({ ...SAMPLES[0]!, seq: 1.5 }, ctx)).toEqual([]);
    expect(toOcsf({ ...SAMPLES[0]!, at: Number.NaN }, ctx)).toEqual([]);
  });

  it('exports no device event when there is no device id at all', () => {
    for (const type of ['device.enrolled', 'device.compliance-changed', 'device.verdicts-changed', 'device.revoked']) expect(toOcsf(ev(1, type, {}, null), { product })).toEqual([]);
  });

  it('uses the event deviceId when the stored record is absent (deleted device)', () => {
    const o = one(SAMPLES[2]!, { product });
    expect(o.device).toEqual({ uid: 'dev_abc', type_id: 0, type: 'Unknown', is_compliant: false });
  });
});

describe('pseudonymisation', () => {
  it('derives psn_ + base64url of the first 16 bytes of HMAC-SHA256(key, user)', () => {
    const expected = `psn_${createHmac('sha256', Buffer.from(KEY)).update(USER).digest().subarray(0, 16).toString('base64url')}`;
    expect(PSN).toBe(expected);
    expect(PSN).toMatch(/^psn_[A-Za-z0-9_-]{22}$/);
    expect(createPseudonymizer(new Uint8Array(32).fill(7))(USER), 'stable per key').toBe(PSN);
    expect(createPseudonymizer(new Uint8Array(32).fill(8))(USER), 'another deployment, another pseudonym').not.toBe(PSN);
    expect(pseudonymize('bob@example.com')).not.toBe(PSN);
  });

  it('refuses a key shorter than 16 bytes', () => {
    expect(() => createPseudonymizer(new Uint8Array(15))).toThrow(RangeError);
  });

  it('leaves no raw user identifier anywhere in any exported event, and keeps groups', () => {
    const out = SAMPLES.flatMap((e) => toOcsf(e, { product, device, pseudonymize }));
    expect(out).toHaveLength(SAMPLES.length);
    const text = JSON.stringify(out);
    for (const id of [USER, 'admin.bob@example.com', 'mallory@example.com']) expect(text.toLowerCase()).not.toContain(id.toLowerCase());
    expect(text).toContain(PSN);
    expect(out[0]!.device).toMatchObject({ owner: { uid: PSN, groups: [{ name: 'ml-research' }, { name: 'staff' }] } });
    expect(out[0]!.actor).toEqual({ user: { uid: PSN } });
    expect(out[4]!.actor).toEqual({ user: { uid: pseudonymize('admin.bob@example.com') } });
    expect(out[5]!.user).toEqual({ uid: PSN });
    expect(out[5]!, 'the ID token detail can name the IdP subject: dropped').not.toHaveProperty('status_detail');
    for (const o of out) expectRequired(o);
  });

  it('shows the user in plain mode (the same events name the user)', () => {
    const text = JSON.stringify(SAMPLES.flatMap((e) => toOcsf(e, ctx)));
    expect(text).toContain(USER);
    expect(text).not.toContain('psn_');
  });

  it('replaces the user string wherever it appears in free text (uri, reasons, hostname), in any case', () => {
    const e = ev(11, 'authz.denied', { resource: 'home', status: 403, problem: 'not-compliant', reasons: [`owner ${USER.toUpperCase()}`], count: 1, firstAt: AT, lastAt: AT, uri: `/users/${USER}/files` });
    const o = one(e, { product, device: { ...device, hostname: `${USER}-laptop` }, pseudonymize });
    const text = JSON.stringify(o);
    expect(text.toLowerCase()).not.toContain(USER.toLowerCase());
    expect(o.http_request).toEqual({ url: { path: `/users/${PSN}/files` } });
    expect((o.device as { hostname: string }).hostname).toBe(`${PSN}-laptop`);
  });
});

describe('hostile data', () => {
  const TYPES = ['device.enrolled', 'device.attested', 'device.compliance-changed', 'device.verdicts-changed', 'device.revoked', 'mfa.id-token-rejected', 'authz.denied'];
  const FIELDS = ['user', 'groups', 'jkt', 'platform', 'hostname', 'earStatus', 'previous', 'checks', 'resources', 'resultJti', 'from', 'to', 'cause', 'by', 'code', 'detail', 'resource', 'status', 'problem', 'reasons', 'count', 'firstAt', 'lastAt', 'method', 'host', 'uri', 'clientIp'];

  function expectSane(out: OcsfEvent[]): void {
    expect(out.length).toBeLessThanOrEqual(1);
    for (const o of out) {
      expect(JSON.parse(JSON.stringify(o))).toStrictEqual(o);
      expectRequired(o);
      walk(o, (x) => {
        if (typeof x === 'string') expect(x.length).toBeLessThanOrEqual(MAX_STRING);
        if (Array.isArray(x)) expect(x.length).toBeLessThanOrEqual(MAX_ITEMS);
        expect(x).not.toBeUndefined();
      });
    }
  }

  it.each(TYPES)('maps %s with wrong-typed fields to a best-effort event or nothing', (type) => {
    const wrong = [null, 42, 'text', [], [1, 2], { user: 5, groups: 'g', checks: [1, 2], resources: 'all', earStatus: 7, to: {}, resource: ['r'], status: '403', count: -3, clientIp: 7, reasons: [1, null, 'ok'] }];
    for (const data of wrong) expectSane(toOcsf(ev(1, type, data), ctx));
  });

  it('reads __proto__ keys as plain data and never from a prototype', () => {
    const data = JSON.parse('{"__proto__": {"user": "mallory"}, "earStatus": "warning", "checks": {"__proto__": {"status": "fail", "reasons": ["x"]}}, "resources": {"__proto__": "deny"}}') as unknown;
    const o = one(ev(1, 'device.attested', data), { product });
    expect(JSON.stringify(o)).not.toContain('mallory');
    expect(o.compliance).toEqual({ status_id: 2, status: 'Warning', checks: [{ uid: '__proto__', name: '__proto__', status_id: 3, status: 'Fail' }] });
    expect(o.unmapped).toMatchObject({ resources: [{ name: '__proto__', decision: 'deny' }] });
    expect(({} as Record<string, unknown>).user).toBeUndefined();
    expect(JSON.parse(JSON.stringify(o))).toStrictEqual(o);
  });

  it('cuts huge strings at 1,024 characters and long lists at 64 items', () => {
    const huge = 'h'.repeat(100_000);
    const checks = Object.fromEntries(Array.from({ length: 1000 }, (_, k) => [`c${k}`, { status: 'pass', reasons: Array.from({ length: 1000 }, () => huge) }]));
    const o = one(ev(1, 'device.attested', { user: huge, earStatus: 'affirming', checks, resources: {}, resultJti: huge, hostname: huge }));
    expect((o.device as { hostname: string }).hostname).toBe('h'.repeat(MAX_STRING));
    expect((o.compliance as { checks: unknown[] }).checks).toHaveLength(MAX_ITEMS);
    expect((o.finding_info as { uid: string }).uid).toHaveLength(MAX_STRING);
    const reasons = (o.unmapped as { check_reasons: { reasons: string[] }[] }).check_reasons[0]!.reasons;
    expect(reasons).toHaveLength(MAX_ITEMS);
    expect(reasons[0]).toHaveLength(MAX_STRING);
    expectSane([o]);
    const denied = one(ev(2, 'authz.denied', { resource: huge, status: 403, problem: huge, reasons: [huge, huge], uri: huge, host: huge, method: huge }));
    expectSane([denied]);
  });

  it('never cuts a string inside a surrogate pair', () => {
    const o = one(ev(1, 'device.enrolled', { user: USER, hostname: `${'a'.repeat(MAX_STRING - 1)}😀` }));
    expect((o.device as { hostname: string }).hostname).toBe('a'.repeat(MAX_STRING - 1));
  });

  it('never throws and always yields bounded plain JSON with the required attributes, whatever the data (property)', () => {
    const anything = fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true, maxDepth: 3 });
    const data = fc.oneof(anything, fc.dictionary(fc.constantFrom(...FIELDS, '__proto__', 'constructor'), anything, { maxKeys: 12 }));
    const context = fc.constantFrom<OcsfContext>(ctx, { product }, { product, device: { ...device, id: 'other' } }, { product, device, pseudonymize });
    fc.assert(
      fc.property(fc.constantFrom(...TYPES, 'unknown.type'), fc.option(fc.string(), { nil: null }), data, context, (type, deviceId, d, c) => {
        expectSane(toOcsf(ev(1, type, d, deviceId), c));
      }),
      { numRuns: 700 },
    );
    expect(({} as Record<string, unknown>).user).toBeUndefined();
  });
});
