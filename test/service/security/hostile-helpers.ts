/**
 * Helpers for the hostile-input tests: raw JWS signing (so a test can put any header or
 * any payload bytes under a valid ES256 signature, which jose's builders refuse to do),
 * snapshots of everything an attestation or an enrolment may write, and the problem
 * assertion every rejection must meet.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { importJWK, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { PROBLEM_BASE, type ProblemCode } from '../../../src/service/problems.js';
import { ENROLL_POP_TYP } from '../../../src/shared/api.js';
import type { Harness } from '../../helpers/service-harness.js';

/** base64url of bytes or UTF-8 text. */
export function b64u(data: string | Uint8Array): string {
  return Buffer.from(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString('base64url');
}

/**
 * Signs `header.payload` with ES256 (raw P-1363 r||s, as JWS wants) without any checks:
 * header and payload may be objects (JSON-encoded) or exact text.
 */
export async function signCompact(header: object | string, payload: object | string, key: CryptoKey): Promise<string> {
  const h = b64u(typeof header === 'string' ? header : JSON.stringify(header));
  const p = b64u(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new TextEncoder().encode(`${h}.${p}`));
  return `${h}.${p}.${b64u(new Uint8Array(sig))}`;
}

/** The decoded JSON of one part (0 = header, 1 = payload) of a compact JWS. */
export function decodePart(token: string, part: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[part] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Everything an attestation or an enrolment could change. */
export interface StoreSnapshot {
  attestations: number;
  states: Record<string, unknown>;
  events: unknown[];
  devices: unknown[];
}

/** Reads the snapshot, including the state of each of `deviceIds`. */
export async function snapshot(h: Harness, deviceIds: string[]): Promise<StoreSnapshot> {
  const states: Record<string, unknown> = {};
  for (const id of deviceIds) states[id] = (await h.store.getDeviceState(id)) ?? null;
  return {
    attestations: await h.store.countAttestations(),
    states,
    events: await h.store.listEvents(0, 1_000_000),
    devices: await h.store.listDevices(),
  };
}

interface InjectLike {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** Asserts an RFC 9457 answer with exactly `status` and the problem type of `code`. */
export function expectProblem(res: InjectLike, status: number, code: ProblemCode): void {
  expect({ status: res.statusCode, body: res.body.slice(0, 300) }).toMatchObject({ status });
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.body) as { type: string; status: number };
  expect(body.type).toBe(`${PROBLEM_BASE}${code}`);
  expect(body.status).toBe(status);
}

/** The service's current signing key, read from the store (for forging tokens that only differ in one claim). */
export async function serviceSigningKey(h: Harness): Promise<{ kid: string; privateKey: CryptoKey }> {
  const rec = (await h.store.listServiceKeys()).find((k) => k.retiredAt === undefined);
  if (!rec) throw new Error('no current service key');
  return { kid: rec.kid, privateKey: (await importJWK(rec.privateJwk as JWK, 'ES256')) as CryptoKey };
}

/** An enrolment PoP over `code`, signed by `key` (which need not match the submitted jwk). */
export async function enrollmentProof(h: Harness, code: string, key: CryptoKey): Promise<string> {
  return new SignJWT({ code_hash: createHash('sha256').update(code).digest('hex') } as JWTPayload)
    .setProtectedHeader({ alg: 'ES256', typ: ENROLL_POP_TYP })
    .setIssuedAt(Math.floor(h.clock.now.getTime() / 1000))
    .setAudience(h.config.publicUrl)
    .sign(key);
}
