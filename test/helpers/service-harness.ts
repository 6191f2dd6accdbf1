/**
 * A real posture service for tests: real SQLite in a temp dir, real keys, the real
 * policy engine with a policy file (the example policy by default), driven through
 * Fastify `inject` or a real listener. Devices are enrolled through the real API.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, calculateJwkThumbprint, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { createApiKey, hashSecret } from '../../src/service/api-keys.js';
import { buildApp, type BuildOptions } from '../../src/service/app.js';
import { resolveConfig, examplePolicyPath, type ServiceConfig } from '../../src/service/config.js';
import { loadServiceKeys } from '../../src/service/keys.js';
import { createPolicyRuntime, type PolicyRuntime } from '../../src/service/policy-runtime.js';
import { openSqliteStore } from '../../src/service/store/sqlite.js';
import type { EventsConfig } from '../../src/service/events/sinks-config.js';
import type { Store } from '../../src/service/store/types.js';
import { buildEvidenceClaims } from '../../src/agent/attestation/evidence.js';
import type { PostureReport } from '../../src/shared/check-result.js';
import { ENROLL_POP_TYP } from '../../src/shared/api.js';
import type { EvidenceClaims } from '../../src/shared/evidence.js';
import { freePort } from './net.js';

export interface TestDevice {
  deviceId: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  jkt: string;
  user: string;
}

export interface Harness {
  app: FastifyInstance;
  store: Store;
  config: ServiceConfig;
  dataDir: string;
  policy: PolicyRuntime;
  /** The service's clock (settable for freshness tests). */
  clock: { now: Date };
  adminKey: string;
  gatewayKey: string;
  enroll(opts?: { user?: string; groups?: string[] }): Promise<TestDevice>;
  challenge(): Promise<string>;
  /** Signs evidence for `device` from `report` (default: an all-pass report), with overrides. */
  evidence(device: TestDevice, opts?: { report?: PostureReport; nonce?: string; claims?: Partial<EvidenceClaims> & Record<string, unknown>; header?: Record<string, unknown>; key?: CryptoKey }): Promise<string>;
  /** challenge → evidence → POST; returns the inject response. */
  attest(device: TestDevice, opts?: { report?: PostureReport }): Promise<{ statusCode: number; json: () => unknown; body: string }>;
  /** With `listen: true`: the real listener's base URL (= the service's public URL). */
  url?: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  policyPath?: string;
  now?: Date;
  /** `--oidc-*` flags without the prefix, e.g. `{ issuer, 'client-id': 'posture-agent' }`. */
  oidc?: Record<string, string>;
  /** Without `oidc`: keep the service's default of dropping self-reported MFA facts (default: trust them, for tests not about MFA). */
  strictMfa?: boolean;
  /** Listen on a free 127.0.0.1 port, with the public URL set to it (for real agent code). */
  listen?: boolean;
  /** Event delivery (CAEP push, OCSF sinks). */
  events?: EventsConfig;
  /** Open this existing data directory instead of a new one (a restart); it is not deleted on close. */
  dataDir?: string;
  /** Fastify's logger option (default: no logger), e.g. `{ level: 'info', stream }` to read the log lines. */
  logger?: BuildOptions['logger'];
}

export const PUBLIC_URL = 'http://127.0.0.1:8443';

/** Starts a harness. `policyPath` defaults to examples/policy.yaml (copied, so tests may edit it). */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'posture-svc-')));
  const policyPath = join(dataDir, 'policy.yaml');
  if (!opts.dataDir) await copyFile(opts.policyPath ?? examplePolicyPath(), policyPath);
  const port = opts.listen ? await freePort() : undefined;
  const publicUrl = port ? `http://127.0.0.1:${port}` : PUBLIC_URL;
  const oidcFlags = Object.fromEntries(Object.entries(opts.oidc ?? {}).map(([k, v]) => [`oidc-${k}`, v]));
  // Without a test IdP, tests that are not about MFA let the compliant report's MFA facts stand.
  const trust = opts.oidc || opts.strictMfa ? {} : { 'insecure-trust-agent-mfa': 'true' };
  const config = resolveConfig({ 'data-dir': dataDir, policy: policyPath, 'public-url': publicUrl, 'log-level': 'silent', ...oidcFlags, ...trust }, {});
  const store = openSqliteStore(join(dataDir, 'posture.db'));
  const clock = { now: opts.now ?? new Date() };
  const keys = await loadServiceKeys(store, { now: () => clock.now.getTime(), publishRetiredForMs: 720_000 });
  const policy = await createPolicyRuntime(policyPath, { onReload: () => undefined, onError: () => undefined });
  const app = await buildApp({ config, store, keys, policy: policy.engine, now: () => clock.now, ...(opts.events ? { events: opts.events } : {}) }, opts.logger ? { logger: opts.logger } : {});
  if (port) await app.listen({ host: '127.0.0.1', port });
  else await app.ready();
  const adminKey = (await createApiKey(store, 'admin', ['*'], clock.now.getTime())).secret;
  const gatewayKey = (await createApiKey(store, 'gateway', ['*'], clock.now.getTime())).secret;
  let codeCounter = 0;

  const harness: Harness = {
    app, store, config, dataDir, policy, clock, adminKey, gatewayKey,
    ...(port ? { url: publicUrl } : {}),
    async enroll({ user = 'alice', groups = ['data-scientists', 'ml-platform'] } = {}) {
      const code = `enr_test_code_${++codeCounter}_${Math.random().toString(36).slice(2)}`;
      await store.createEnrollmentCode({ hash: hashSecret(code), user, groups, createdAt: clock.now.getTime(), expiresAt: clock.now.getTime() + 3_600_000 });
      const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
      const pub = await exportJWK(publicKey);
      const proof = await new SignJWT({ code_hash: createHash('sha256').update(code).digest('hex') })
        .setProtectedHeader({ alg: 'ES256', typ: ENROLL_POP_TYP })
        .setIssuedAt(Math.floor(clock.now.getTime() / 1000))
        .setAudience(config.publicUrl)
        .sign(privateKey);
      const res = await app.inject({ method: 'POST', url: '/v1/enrollments', payload: { code, jwk: pub, proof } });
      if (res.statusCode !== 201) throw new Error(`enrol failed: ${res.statusCode} ${res.body}`);
      const body = res.json() as { device_id: string; jkt: string };
      return { deviceId: body.device_id, privateKey, publicJwk: pub, jkt: await calculateJwkThumbprint(pub), user };
    },
    async challenge() {
      const res = await app.inject({ method: 'POST', url: '/v1/challenges' });
      return (res.json() as { nonce: string }).nonce;
    },
    async evidence(device, o = {}) {
      const nonce = o.nonce ?? (await harness.challenge());
      const claims = buildEvidenceClaims({
        report: o.report ?? compliantReport(clock.now),
        deviceId: device.deviceId,
        audience: config.publicUrl,
        nonce,
        software: { name: 'posture-agent', version: 'test' },
        device: { platform: 'linux', arch: 'x64' },
        now: clock.now,
      });
      const payload = { ...claims, ...(o.claims ?? {}) } as JWTPayload;
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', typ: 'eat+jwt', kid: device.jkt, ...(o.header ?? {}) } as { alg: string })
        .sign(o.key ?? device.privateKey);
    },
    async attest(device, o = {}) {
      const token = await harness.evidence(device, o);
      return app.inject({ method: 'POST', url: '/v1/attestations', headers: { 'content-type': 'application/eat+jwt' }, payload: token });
    },
    async close() {
      await app.close();
      policy.close();
      await store.close();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * A report that meets the example policy's strictest segment: SYNTHETIC facts written
 * for tests (what a well-managed Linux laptop reports), not a capture from a machine.
 */
export function compliantReport(now: Date): PostureReport {
  const at = now.toISOString();
  const base = { reasons: [], gaps: [], probes: [], collectedAt: at, durationMs: 1, summary: 'ok' };
  return {
    platform: 'linux', collectedAt: at, durationMs: 5, requirementsSource: 'baseline', mode: 'live', overall: 'pass',
    checks: [
      { ...base, id: 'os_patch', status: 'pass', facts: { os: { platform: 'linux', id: 'debian', name: 'Debian GNU/Linux', version: '12' }, packageManager: 'apt', lastUpdateInstalledAt: new Date(now.getTime() - 2 * 86_400_000).toISOString(), pendingUpdates: 0, pendingSecurityUpdates: 0, rebootRequired: false, vendorSupported: true } },
      { ...base, id: 'disk_encryption', status: 'pass', facts: { volumes: [{ mount: '/', device: '/dev/mapper/root', system: true, encrypted: true, method: 'LUKS2', state: 'on' }], systemVolumeEncrypted: true } },
      { ...base, id: 'edr', status: 'pass', facts: { products: [{ id: 'crowdstrike_falcon', installed: true, running: true, healthy: true, realTimeProtection: true, registered: true }] } },
      { ...base, id: 'mfa', status: 'pass', facts: { localAuthenticators: [], issuer: 'https://idp.test', subject: 'alice', amr: ['pwd', 'hwk', 'mfa'], authTime: new Date(now.getTime() - 3_600_000).toISOString() } },
      { ...base, id: 'firewall', status: 'pass', facts: { profiles: [{ name: 'nftables', enabled: true, defaultInboundBlocked: true }], enabled: true } },
      { ...base, id: 'screen_lock', status: 'pass', facts: { desktop: true, environment: 'gnome', enabled: true, idleTimeoutSeconds: 300 } },
      { ...base, id: 'mdm', status: 'pass', facts: { enrolled: true, provider: 'intune' } },
    ],
  };
}

/** The same report with one check's facts replaced (a regression). */
export function withFacts(report: PostureReport, id: string, facts: Record<string, unknown>, status: 'pass' | 'fail' = 'fail'): PostureReport {
  return { ...report, checks: report.checks.map((c) => (c.id === id ? { ...c, facts, status } : c)) };
}
