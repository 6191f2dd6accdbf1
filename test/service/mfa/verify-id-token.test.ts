import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OidcConfig } from '../../../src/service/config.js';
import { IdpUnavailableError, type IssuerKeys } from '../../../src/service/mfa/issuer-keys.js';
import { verifyIdToken } from '../../../src/service/mfa/verify-id-token.js';

const ISSUER = 'https://idp.example.test';
const OIDC: OidcConfig = { issuer: ISSUER, clientId: 'posture-agent', userClaim: 'preferred_username' };
const NOW = new Date('2026-03-02T10:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);

let key: CryptoKey;
let keys: IssuerKeys;
let fetched = 0;
beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' };
  const set = createLocalJWKSet({ keys: [jwk] });
  keys = { keySet: async () => (fetched++, set) };
});

/** Synthetic ID token claims as an IdP issues them (alice, MFA with OTP, 10 minutes ago). */
function claims(over: JWTPayload = {}): JWTPayload {
  return { iss: ISSUER, aud: 'posture-agent', sub: '00u1abcd', preferred_username: 'alice', email: 'alice@example.test', email_verified: true, nonce: 'evidence-nonce-0001', amr: ['pwd', 'otp', 'mfa'], acr: 'urn:test:loa:2', auth_time: NOW_S - 600, iat: NOW_S - 30, exp: NOW_S + 3570, ...over };
}

async function sign(c: JWTPayload, header: Record<string, unknown> = {}, signer: CryptoKey = key): Promise<string> {
  return new SignJWT(c).setProtectedHeader({ alg: 'RS256', kid: 'k1', ...header } as { alg: string }).sign(signer);
}

const verify = (token: string, over: Partial<Parameters<typeof verifyIdToken>[1]> = {}) => verifyIdToken(token, { oidc: OIDC, keys, now: NOW, user: 'alice', nonce: 'evidence-nonce-0001', ...over });

describe('verifyIdToken', () => {
  it('accepts a valid token and gives its facts', async () => {
    const v = await verify(await sign(claims()));
    expect(v).toMatchObject({ ok: true, facts: { issuer: ISSUER, subject: '00u1abcd', username: 'alice', amr: ['pwd', 'otp', 'mfa'], acr: 'urn:test:loa:2', authTime: new Date((NOW_S - 600) * 1000).toISOString(), phishingResistant: false } });
  });

  it.each([
    ['expired', claims({ exp: NOW_S - 61, iat: NOW_S - 3700 }), 'expired'],
    ['another audience', claims({ aud: 'other-app' }), 'audience-mismatch'],
    ['several audiences with azp of another client', claims({ aud: ['posture-agent', 'other-app'], azp: 'other-app' }), 'audience-mismatch'],
    ['several audiences without azp', claims({ aud: ['posture-agent', 'other-app'] }), 'audience-mismatch'],
    ['another nonce', claims({ nonce: 'some-other-nonce' }), 'nonce-mismatch'],
    ['no nonce', claims({ nonce: undefined }), 'nonce-mismatch'],
    ['another user', claims({ preferred_username: 'bob' }), 'user-mismatch'],
    ['no user claim', claims({ preferred_username: undefined }), 'claims-invalid'],
    ['no sub', claims({ sub: undefined }), 'claims-invalid'],
  ])('rejects %s', async (_name, c, code) => {
    expect(await verify(await sign(c))).toMatchObject({ ok: false, code });
  });

  it('matches the user case-insensitively', async () => {
    expect((await verify(await sign(claims({ preferred_username: 'Alice' })))).ok).toBe(true);
  });

  it('rejects a token signed by another key, even with the right kid', async () => {
    const other = (await generateKeyPair('RS256')).privateKey;
    expect(await verify(await sign(claims(), {}, other))).toMatchObject({ ok: false, code: 'signature-invalid' });
  });

  it('rejects alg none and HMAC without fetching keys', async () => {
    const before = fetched;
    const body = Buffer.from(JSON.stringify(claims())).toString('base64url');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${body}.`;
    expect(await verify(`${none}AAAA`)).toMatchObject({ ok: false, code: 'signature-invalid' });
    const hs = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(32)));
    expect(await verify(hs)).toMatchObject({ ok: false, code: 'signature-invalid' });
    expect(fetched).toBe(before);
  });

  it('refuses an unknown issuer before fetching anything', async () => {
    const before = fetched;
    expect(await verify(await sign(claims({ iss: 'https://evil.example.test' })))).toMatchObject({ ok: false, code: 'issuer-unknown' });
    expect(fetched).toBe(before);
  });

  it('requires a verified email when the user claim is email', async () => {
    const oidc: OidcConfig = { ...OIDC, userClaim: 'email' };
    expect((await verify(await sign(claims()), { oidc, user: 'alice@example.test' })).ok).toBe(true);
    expect(await verify(await sign(claims({ email_verified: false })), { oidc, user: 'alice@example.test' })).toMatchObject({ ok: false, code: 'claims-invalid' });
  });

  it('fails closed when the IdP keys cannot be fetched', async () => {
    const down: IssuerKeys = { keySet: async () => Promise.reject(new IdpUnavailableError('down')) };
    expect(await verify(await sign(claims()), { keys: down })).toMatchObject({ ok: false, code: 'idp-unavailable' });
  });
});
