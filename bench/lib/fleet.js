// Devices for the benchmarks, driven through the real HTTP API the way the agent does
// (enrolment code → PoP-signed enrolment → challenge → signed evidence), plus the
// data-directory set-up a service operator would do with the CLI.
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { buildEvidenceClaims, signEvidence } from '../../dist/src/agent/attestation/evidence.js';
import { createApiKey, hashSecret } from '../../dist/src/service/api-keys.js';
import { examplePolicyPath } from '../../dist/src/service/config.js';
import { openSqliteStore } from '../../dist/src/service/store/sqlite.js';
import { ENROLL_POP_TYP } from '../../dist/src/shared/api.js';
import { EAT_JWT_MEDIA_TYPE } from '../../dist/src/shared/claims.js';

/** The `aud` of evidence and `iss` of posture tokens in every bench service. */
export const PUBLIC_URL = 'https://posture.bench.example';
export const USER = 'alice';
export const GROUPS = ['data-scientists', 'ml-platform'];

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** One HTTP request to 127.0.0.1 over a keep-alive agent. */
export function http(base, method, path, { headers = {}, body } = {}) {
  const url = new URL(path, base);
  if (url.hostname !== '127.0.0.1') throw new Error('bench requests go to 127.0.0.1 only');
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: { ...headers, ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A temp data directory with a copy of the example policy, a gateway API key and
 * `codes` unused enrolment codes, written through the store API as `posture-service
 * api-key create` / `enroll-token` do. The service is not running yet.
 */
export async function prepareDataDir({ codes = 0 } = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'posture-bench-svc-'));
  const policyPath = join(dataDir, 'policy.yaml');
  await copyFile(examplePolicyPath(), policyPath);
  const dbPath = join(dataDir, 'posture.db');
  const store = openSqliteStore(dbPath);
  const now = Date.now();
  const gatewayKey = (await createApiKey(store, 'gateway', ['*'], now, 'bench gateway')).secret;
  const enrollmentCodes = [];
  for (let i = 0; i < codes; i++) {
    const code = `enr_bench_${i}_${randomBytes(16).toString('base64url')}`;
    await store.createEnrollmentCode({ hash: hashSecret(code), user: USER, groups: GROUPS, createdAt: now, expiresAt: now + 3_600_000 });
    enrollmentCodes.push(code);
  }
  await store.close();
  return { dataDir, policyPath, dbPath, publicUrl: PUBLIC_URL, gatewayKey, enrollmentCodes };
}

/**
 * A source address per simulated device. The service trusts X-Forwarded-For from
 * 127.0.0.1 and rate-limits enrolments (10/min) and challenges (600/min) per client
 * address; a fleet's devices come from many addresses, so the bench spreads too.
 */
export function deviceAddress(i, j = 0) {
  return `10.${(i >> 8) & 255}.${i & 255}.${(j % 250) + 1}`;
}

/** Enrols a new device key with `code` through POST /v1/enrollments. */
export async function enroll(base, code, address) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const proof = await new SignJWT({ code_hash: createHash('sha256').update(code).digest('hex') })
    .setProtectedHeader({ alg: 'ES256', typ: ENROLL_POP_TYP })
    .setIssuedAt()
    .setAudience(PUBLIC_URL)
    .sign(privateKey);
  const res = await http(base, 'POST', '/v1/enrollments', {
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ code, jwk, proof, platform: 'linux', hostname: `bench-${address}` }),
  });
  if (res.status !== 201) throw new Error(`enrolment failed: ${res.status} ${res.body}`);
  const { device_id: deviceId } = JSON.parse(res.body);
  return { deviceId, privateKey, publicKey, kid: await calculateJwkThumbprint(jwk) };
}

/** POST /v1/challenges → nonce. */
export async function challenge(base, address) {
  const res = await http(base, 'POST', '/v1/challenges', { headers: { 'x-forwarded-for': address } });
  if (res.status !== 201) throw new Error(`challenge failed: ${res.status} ${res.body}`);
  return JSON.parse(res.body).nonce;
}

/** Signed evidence for `device` over a compliant report and `nonce`. */
export function evidence(device, nonce) {
  const now = new Date();
  const claims = buildEvidenceClaims({
    report: compliantReport(now),
    deviceId: device.deviceId,
    audience: PUBLIC_URL,
    nonce,
    software: { name: 'posture-agent', version: 'bench' },
    device: { platform: 'linux', arch: 'x64' },
    now,
  });
  return signEvidence(claims, { privateKey: device.privateKey, kid: device.kid });
}

/** POST /v1/attestations; resolves to the raw response. */
export function postEvidence(base, token, address) {
  return http(base, 'POST', '/v1/attestations', { headers: { 'content-type': EAT_JWT_MEDIA_TYPE, 'x-forwarded-for': address }, body: token });
}

/** challenge → sign → POST, as the agent does; throws unless the service answers 201. */
export async function attest(base, device, address) {
  const res = await postEvidence(base, await evidence(device, await challenge(base, address)), address);
  if (res.status !== 201) throw new Error(`attestation failed: ${res.status} ${res.body}`);
  return JSON.parse(res.body);
}

/**
 * A report that meets the example policy's strictest segment: SYNTHETIC facts (what a
 * well-managed Linux laptop reports), the same as test/helpers/service-harness.ts.
 */
export function compliantReport(now) {
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

/** The forward-auth request a gateway sends for `resource` (nginx auth_request style). */
export const AUTHZ = {
  resource: 'model-registry',
  path: '/authz/v1/model-registry/api/2.0/mlflow/registered-models/get',
  headers: (gatewayKey, token) => ({
    'x-posture-api-key': gatewayKey,
    authorization: `Bearer ${token}`,
    'x-forwarded-method': 'GET',
    'x-forwarded-host': 'models.ai.internal',
    'x-forwarded-uri': '/api/2.0/mlflow/registered-models/get?name=llm-7b',
  }),
};
