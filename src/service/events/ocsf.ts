/**
 * The service's events (EventRecord, docs/events.md) as OCSF 1.5.0 JSON objects for SIEMs
 * (DESIGN.md §9, docs/ocsf.md). Pure: no I/O, no clock; the caller looks the device up.
 *
 * Schema followed: OCSF 1.5.0 (https://schema.ocsf.io/1.5.0), read in ocsf/ocsf-schema:
 * events/base_event.json, events/discovery/{discovery,inventory_info,device_config_state_change}.json,
 * events/findings/{finding,compliance_finding}.json, events/application/{application,
 * web_resource_access_activity}.json, events/iam/authentication.json, profiles/host.json and
 * objects/{metadata,product,device,os,user,group,actor,finding_info,compliance,check,
 * security_state,http_request,http_response,url,web_resource,network_endpoint}.json;
 * requirement levels and enum values cross-checked against the compiled 1.5.0 schema
 * (docs.tenzir.com/reference/ocsf/1-5-0, mcm/typescript-ocsf src/v1_5). `compliance.checks`
 * needs ≥ 1.5.0. Nothing here is an invented attribute: whatever has no OCSF home goes
 * under `unmapped`, OCSF's place for source-specific data.
 *
 * `data` is treated as hostile: every field is type-checked, strings are cut at
 * MAX_STRING, lists at MAX_ITEMS, and toOcsf never throws.
 */
import { isIP } from 'node:net';
import { earCompliant } from '../caep.js';
import type { EventRecord } from '../store/types.js';

/** The OCSF version every object claims in `metadata.version`. */
export const OCSF_VERSION = '1.5.0';
/** Longest string copied from an event (characters). */
export const MAX_STRING = 1024;
/** Most items copied from one list or map of an event (groups, reasons, checks, resources). */
export const MAX_ITEMS = 64;

export interface OcsfContext {
  /** The device's record, looked up by the caller (absent: deleted/unknown device, or no deviceId). */
  device?: { id: string; user: string; hostname?: string; platform?: string; jkt: string };
  product: { name: string; version: string; vendorName: string };
  /** When set, every user identifier is replaced by its pseudonym (and free text naming IdP subjects is dropped). */
  pseudonymize?: (user: string) => string;
}

/** One OCSF event object: the base attributes every class requires, and the class's own. */
export interface OcsfEvent {
  class_uid: number; class_name: string;
  category_uid: number; category_name: string;
  activity_id: number; activity_name: string;
  type_uid: number; type_name: string;
  severity_id: number; severity: string;
  /** Epoch milliseconds (OCSF timestamp_t). */
  time: number;
  metadata: {
    version: string;
    product: { name: string; vendor_name: string; version: string };
    /** `evt-<seq>`: the same for every redelivery, so a SIEM can drop duplicates. */
    uid: string;
    event_code: string;
    log_name: string;
    sequence: number;
    profiles?: string[];
  };
  [attribute: string]: unknown;
}

type Obj = Record<string, unknown>;
type Ear = 'affirming' | 'warning' | 'contraindicated' | 'none';
interface Cls { uid: number; name: string; category: number; categoryName: string }

const INVENTORY: Cls = { uid: 5001, name: 'Device Inventory Info', category: 5, categoryName: 'Discovery' };
const CONFIG_CHANGE: Cls = { uid: 5019, name: 'Device Config State Change', category: 5, categoryName: 'Discovery' };
const COMPLIANCE: Cls = { uid: 2003, name: 'Compliance Finding', category: 2, categoryName: 'Findings' };
const WEB_ACCESS: Cls = { uid: 6004, name: 'Web Resource Access Activity', category: 6, categoryName: 'Application Activity' };
const AUTHENTICATION: Cls = { uid: 3002, name: 'Authentication', category: 3, categoryName: 'Identity & Access Management' };

const SEVERITY = ['Unknown', 'Informational', 'Low', 'Medium', 'High', 'Critical', 'Fatal'];
/** Discovery activity 1 "Log": the information comes from the service's own event log. */
const LOG: [number, string] = [1, 'Log'];
const SUCCESS = { status_id: 1, status: 'Success' };
const FAILURE = { status_id: 2, status: 'Failure' };

const EARS = new Set<string>(['affirming', 'warning', 'contraindicated', 'none']);
const EAR_SEVERITY: Record<Ear, number> = { affirming: 1, warning: 2, contraindicated: 3, none: 2 };
/** compliance.status_id: 1 Pass, 2 Warning, 3 Fail, 0 Unknown. */
const EAR_COMPLIANCE: Record<Ear, [number, string]> = { affirming: [1, 'Pass'], warning: [2, 'Warning'], contraindicated: [3, 'Fail'], none: [0, 'Unknown'] };
/** security_level_id: 1 Secure, 2 At Risk, 0 Unknown (3 Compromised is not claimed: failing posture is not a breach). */
const EAR_LEVEL: Record<Ear, [number, string]> = { affirming: [1, 'Secure'], warning: [2, 'At Risk'], contraindicated: [2, 'At Risk'], none: [0, 'Unknown'] };
/** security_state.state_id 23 "Compliance failure". */
const COMPLIANCE_FAILURE = { state_id: 23, state: 'Compliance failure' };
/** check.status_id per the agent's check status; any other status is 99 Other with the raw status. */
const CHECK_STATUS = new Map<string, [number, string]>([['pass', [1, 'Pass']], ['fail', [3, 'Fail']], ['unknown', [0, 'Unknown']]]);
/** os.type_id per Node platform. */
const OS = new Map<string, { name: string; type: string; type_id: number }>([
  ['linux', { name: 'Linux', type: 'Linux', type_id: 200 }],
  ['darwin', { name: 'macOS', type: 'macOS', type_id: 300 }],
  ['win32', { name: 'Windows', type: 'Windows', type_id: 100 }],
]);

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An own property only: never something inherited (or polluted) from a prototype. */
const own = (o: unknown, k: string): unknown => (isObj(o) && Object.hasOwn(o, k) ? o[k] : undefined);
const ear = (v: unknown): Ear | undefined => (typeof v === 'string' && EARS.has(v) ? (v as Ear) : undefined);
const int = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined => (Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max ? (v as number) : undefined);

/** Cuts a string at MAX_STRING characters, never in the middle of a surrogate pair. */
function clip(s: string): string {
  if (s.length <= MAX_STRING) return s;
  const cut = s.slice(0, MAX_STRING);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}
const raw = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? clip(v) : undefined);
const entries = (v: unknown): [string, unknown][] => (isObj(v) ? Object.keys(v).slice(0, MAX_ITEMS).map((k) => [k, v[k]]) : []);

/** Per event: how user identifiers are written and how free text is cleaned of them. */
interface Text {
  /** A string from the event, clipped, with every known user string replaced by its pseudonym. */
  t(v: unknown): string | undefined;
  list(v: unknown): string[];
  /** An OCSF user object for a user identifier. */
  user(v: unknown, groups?: string[]): Obj | undefined;
  pseudonymizing: boolean;
}

/** User strings shorter than this are not searched for in free text (they would match everywhere). */
const MIN_SCRUB = 3;

function textFor(users: unknown[], pseudonymize: OcsfContext['pseudonymize']): Text {
  let scrub = (s: string): string => s;
  if (pseudonymize) {
    const known = new Map<string, string>();
    for (const u of users) {
      const r = raw(u);
      if (r && r.length >= MIN_SCRUB && !known.has(r.toLowerCase())) known.set(r.toLowerCase(), pseudonymize(r));
    }
    if (known.size > 0) {
      const pattern = new RegExp([...known.keys()].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
      scrub = (s) => s.replace(pattern, (m) => known.get(m.toLowerCase()) ?? m);
    }
  }
  const t = (v: unknown): string | undefined => {
    const r = raw(v);
    return r === undefined ? undefined : clip(scrub(r));
  };
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.slice(0, MAX_ITEMS).flatMap((x) => t(x) ?? []) : []);
  const user = (v: unknown, groups?: string[]): Obj | undefined => {
    const r = raw(v);
    if (r === undefined) return undefined;
    return { ...(pseudonymize ? { uid: pseudonymize(r) } : { name: r }), ...(groups?.length ? { groups: groups.map((name) => ({ name })) } : {}) };
  };
  return { t, list, user, pseudonymizing: pseudonymize !== undefined };
}

interface Input {
  e: EventRecord & { deviceId?: string };
  data: unknown;
  ctx: OcsfContext;
  x: Text;
}

function header(i: Input, cls: Cls, activity: [number, string], severityId: number): OcsfEvent {
  const p = i.ctx.product;
  return {
    class_uid: cls.uid, class_name: cls.name,
    category_uid: cls.category, category_name: cls.categoryName,
    activity_id: activity[0], activity_name: activity[1],
    type_uid: cls.uid * 100 + activity[0], type_name: `${cls.name}: ${activity[1]}`,
    severity_id: severityId, severity: SEVERITY[severityId] ?? 'Unknown',
    time: i.e.at,
    metadata: {
      version: OCSF_VERSION,
      product: { name: String(p.name), vendor_name: String(p.vendorName), version: String(p.version) },
      uid: `evt-${i.e.seq}`,
      event_code: i.e.type,
      log_name: 'events',
      sequence: i.e.seq,
    },
  };
}

/** The device object: the event's own facts first, then the stored record. Undefined without any device id. */
function deviceOf(i: Input, extra: { hostname?: unknown; platform?: unknown; owner?: Obj; compliant?: boolean; firstSeen?: number } = {}): Obj | undefined {
  const uid = i.x.t(i.e.deviceId ?? i.ctx.device?.id);
  if (uid === undefined) return undefined;
  const rec = i.e.deviceId === undefined || i.ctx.device?.id === i.e.deviceId ? i.ctx.device : undefined;
  const hostname = i.x.t(extra.hostname) ?? i.x.t(rec?.hostname);
  const platform = raw(extra.platform) ?? raw(rec?.platform);
  const os = platform === undefined ? undefined : OS.get(platform);
  return {
    uid,
    type_id: 0,
    type: 'Unknown',
    hostname,
    os: os ? { ...os } : undefined,
    owner: extra.owner ?? i.x.user(rec?.user),
    is_compliant: extra.compliant,
    first_seen_time: extra.firstSeen,
  };
}

function enrolled(i: Input): OcsfEvent | undefined {
  const groups = i.x.list(own(i.data, 'groups'));
  const user = raw(own(i.data, 'user')) ?? i.ctx.device?.user;
  const device = deviceOf(i, { hostname: own(i.data, 'hostname'), platform: own(i.data, 'platform'), owner: i.x.user(user, groups), firstSeen: i.e.at });
  if (!device) return undefined;
  const actor = i.x.user(user);
  const jkt = i.x.t(own(i.data, 'jkt') ?? i.ctx.device?.jkt);
  return { ...header(i, INVENTORY, LOG, 1), ...SUCCESS, message: 'Device enrolled', device, actor: actor && { user: actor }, unmapped: jkt && { jkt } };
}

function attested(i: Input): OcsfEvent {
  const status = ear(own(i.data, 'earStatus'));
  const previous = ear(own(i.data, 'previous'));
  const user = raw(own(i.data, 'user')) ?? i.ctx.device?.user;
  const checks: Obj[] = [];
  const checkReasons: Obj[] = [];
  for (const [id, c] of entries(own(i.data, 'checks'))) {
    const uid = i.x.t(id);
    if (uid === undefined) continue;
    const s = raw(own(c, 'status'));
    const [sid, caption] = s === undefined ? [0, 'Unknown'] : (CHECK_STATUS.get(s) ?? [99, i.x.t(s) ?? 'Other']);
    checks.push({ uid, name: uid, status_id: sid, status: caption });
    const reasons = i.x.list(own(c, 'reasons'));
    if (reasons.length > 0) checkReasons.push({ uid, reasons });
  }
  const resources = entries(own(i.data, 'resources')).flatMap(([name, d]) => {
    const n = i.x.t(name);
    return n !== undefined && (d === 'allow' || d === 'deny') ? [{ name: n, decision: d }] : [];
  });
  const [cid, caption] = status ? EAR_COMPLIANCE[status] : [0, 'Unknown'];
  const unmapped = { ear_status: status, previous_ear_status: previous, resources: resources.length ? resources : undefined, check_reasons: checkReasons.length ? checkReasons : undefined };
  const actor = i.x.user(user);
  return {
    ...header(i, COMPLIANCE, [1, 'Create'], status ? EAR_SEVERITY[status] : 0),
    status_id: 1,
    status: 'New',
    message: `Device posture attestation: ${status ?? 'unknown'}`,
    finding_info: { uid: i.x.t(own(i.data, 'resultJti')) ?? `evt-${i.e.seq}`, title: `Device posture attestation: ${status ?? 'unknown'}`, types: ['Device Posture Attestation'], created_time: i.e.at },
    compliance: { status_id: cid, status: caption, checks },
    device: deviceOf(i, { hostname: own(i.data, 'hostname'), platform: own(i.data, 'platform'), owner: actor, compliant: status && earCompliant(status) }),
    actor: actor && { user: actor },
    unmapped,
  };
}

function complianceChanged(i: Input): OcsfEvent | undefined {
  const from = ear(own(i.data, 'from'));
  const to = ear(own(i.data, 'to'));
  const device = deviceOf(i, { compliant: to && earCompliant(to) });
  if (!device) return undefined;
  const cause = i.x.t(own(i.data, 'cause'));
  return {
    ...header(i, CONFIG_CHANGE, LOG, to ? EAR_SEVERITY[to] : 0),
    ...SUCCESS,
    message: `Device posture changed from ${from ?? 'unknown'} to ${to ?? 'unknown'}${cause ? ` (${cause})` : ''}`,
    device,
    security_level_id: to && EAR_LEVEL[to][0],
    security_level: to && EAR_LEVEL[to][1],
    security_states: to === 'contraindicated' ? [{ ...COMPLIANCE_FAILURE }] : undefined,
    prev_security_level_id: from && EAR_LEVEL[from][0],
    prev_security_level: from && EAR_LEVEL[from][1],
    prev_security_states: from === 'contraindicated' ? [{ ...COMPLIANCE_FAILURE }] : undefined,
    unmapped: { from, to, cause },
  };
}

function decisions(v: unknown): Map<string, 'allow' | 'deny'> {
  return new Map(entries(v).flatMap(([k, d]) => (d === 'allow' || d === 'deny' ? [[clip(k), d] as [string, 'allow' | 'deny']] : [])));
}

function verdictsChanged(i: Input): OcsfEvent | undefined {
  const device = deviceOf(i);
  if (!device) return undefined;
  const now = decisions(own(i.data, 'resources'));
  const before = decisions(own(i.data, 'previous'));
  const names = [...new Set([...now.keys(), ...before.keys()])].slice(0, MAX_ITEMS);
  const changed = names.filter((n) => now.get(n) !== before.get(n));
  const newlyDenied = changed.some((n) => now.get(n) === 'deny');
  const text = changed.slice(0, 10).map((n) => `${i.x.t(n) ?? ''}: ${before.get(n) ?? 'none'} → ${now.get(n) ?? 'none'}`).join(', ');
  const resources = names.flatMap((n) => {
    const name = i.x.t(n);
    return name === undefined ? [] : [{ name, decision: now.get(n), previous: before.get(n) }];
  });
  return {
    ...header(i, CONFIG_CHANGE, LOG, newlyDenied ? 3 : 1),
    ...SUCCESS,
    message: `Resource verdicts changed${text ? `: ${text}` : ''}`,
    device,
    unmapped: { resources },
  };
}

function revoked(i: Input): OcsfEvent | undefined {
  const device = deviceOf(i);
  if (!device) return undefined;
  const by = i.x.user(own(i.data, 'by'));
  return { ...header(i, CONFIG_CHANGE, LOG, 2), ...SUCCESS, message: 'Device revoked', device, actor: by && { user: by } };
}

function idTokenRejected(i: Input): OcsfEvent | undefined {
  const user = i.x.user(i.ctx.device?.user);
  if (!user) return undefined;
  const code = i.x.t(own(i.data, 'code'));
  return {
    ...header(i, AUTHENTICATION, [99, 'ID Token Verification'], 2),
    ...FAILURE,
    status_code: code,
    // The detail can quote the ID token's subject, which no pseudonym can stand for.
    status_detail: i.x.pseudonymizing ? undefined : i.x.t(own(i.data, 'detail')),
    message: `ID token rejected${code ? `: ${code}` : ''}`,
    auth_protocol_id: 4,
    auth_protocol: 'OpenID',
    user,
    device: deviceOf(i),
  };
}

function urlOf(uri: string | undefined, host: string | undefined): Obj | undefined {
  if (uri === undefined) return undefined;
  if (/^https?:\/\//i.test(uri)) return { url_string: uri, hostname: host };
  const q = uri.indexOf('?');
  return { hostname: host, path: (q === -1 ? uri : uri.slice(0, q)) || '/', query_string: q === -1 ? undefined : uri.slice(q + 1) || undefined };
}

function authzDenied(i: Input): OcsfEvent | undefined {
  const resource = i.x.t(own(i.data, 'resource'));
  if (resource === undefined) return undefined;
  const status = int(own(i.data, 'status'), 100, 599);
  const problem = i.x.t(own(i.data, 'problem'));
  const reasons = i.x.list(own(i.data, 'reasons'));
  const host = i.x.t(own(i.data, 'host'));
  const uri = i.x.t(own(i.data, 'uri'));
  const ip = raw(own(i.data, 'clientIp'));
  const validIp = ip !== undefined && isIP(ip) !== 0 ? ip : undefined;
  const url = urlOf(uri, host);
  const device = i.e.deviceId === undefined ? undefined : deviceOf(i);
  const actor = i.e.deviceId === undefined ? undefined : i.x.user(i.ctx.device?.user);
  return {
    ...header(i, WEB_ACCESS, [2, 'Access Deny'], status === 403 ? 3 : 2),
    ...FAILURE,
    status_code: problem,
    status_detail: reasons.length ? reasons.join('; ') : undefined,
    message: `Access to ${resource} denied${problem ? `: ${problem}` : ''}`,
    count: int(own(i.data, 'count'), 1),
    start_time: int(own(i.data, 'firstAt'), 0),
    end_time: int(own(i.data, 'lastAt'), 0),
    web_resources: [{ name: resource }],
    http_request: { http_method: i.x.t(own(i.data, 'method')), url },
    http_response: status === undefined ? undefined : { code: status },
    src_endpoint: validIp && { ip: validIp },
    device,
    actor: actor && { user: actor },
    unmapped: { problem, reasons: reasons.length ? reasons : undefined, host: url ? undefined : host, client_ip: validIp ? undefined : i.x.t(ip) },
  };
}

const MAPPERS = new Map<string, (i: Input) => OcsfEvent | undefined>([
  ['device.enrolled', enrolled],
  ['device.attested', attested],
  ['device.compliance-changed', complianceChanged],
  ['device.verdicts-changed', verdictsChanged],
  ['device.revoked', revoked],
  ['mfa.id-token-rejected', idTokenRejected],
  ['authz.denied', authzDenied],
]);

/** Drops undefined values and emptied objects (`unmapped: {}`) and bounds every string, recursively: plain JSON. */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune).filter((x) => x !== undefined);
  if (typeof v === 'string') return clip(v);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    const p = prune(x);
    if (p === undefined || (isObj(p) && Object.keys(p).length === 0 && k !== 'http_request')) continue;
    out[k] = p;
  }
  return out;
}

/**
 * The OCSF objects for one event: `[]` for an event type that is not exported, for a record
 * whose seq/at are unusable, or when a class's required attributes cannot be filled (e.g. a
 * device event with no device id at all). Malformed `data` gives a best-effort event from
 * what is valid. Never throws; the result is plain JSON (no undefined values).
 */
export function toOcsf(e: EventRecord, ctx: OcsfContext): OcsfEvent[] {
  try {
    const map = typeof e?.type === 'string' ? MAPPERS.get(e.type) : undefined;
    if (!map || !Number.isSafeInteger(e.seq) || e.seq < 0 || !Number.isSafeInteger(e.at)) return [];
    const deviceId = raw(e.deviceId);
    const data = e.data;
    const x = textFor([own(data, 'user'), own(data, 'by'), ctx.device?.user], ctx.pseudonymize);
    const out = map({ e: { seq: e.seq, at: e.at, type: e.type, data, ...(deviceId ? { deviceId } : {}) }, data, ctx, x });
    if (!out) return [];
    if (out.device !== undefined || out.actor !== undefined) out.metadata.profiles = ['host'];
    return [prune(out) as OcsfEvent];
  } catch {
    return [];
  }
}
