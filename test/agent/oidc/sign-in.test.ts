import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { signIn } from '../../../src/agent/oidc/sign-in.js';
import { isPostureError } from '../../../src/shared/errors.js';
import { AGENT_CLIENT_ID, browse, startTestIdp, type TestIdp } from './test-idp.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp.close();
});

describe('OIDC sign-in (authorization code + PKCE + loopback redirect, real oidc-provider)', () => {
  it('signs in, validates the ID token and reports amr, acr and auth_time', async () => {
    idp.nextLogin = { accountId: 'alice', amr: ['pwd', 'otp', 'mfa'], acr: 'urn:test:loa:2' };
    let seen: URL | undefined;
    const result = await signIn({
      idp: { issuer: idp.issuer, client_id: AGENT_CLIENT_ID, acr_values: 'urn:test:loa:2', max_age: 3600 },
      nonce: 'nonce-from-the-posture-service-0001',
      onUrl: async (url) => {
        seen = new URL(url);
        const page = await browse(url);
        expect(page.status).toBe(200);
        expect(page.body).toContain('Signed in');
      },
    });
    expect(seen?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(seen?.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(seen?.searchParams.get('acr_values')).toBe('urn:test:loa:2');
    expect(seen?.searchParams.get('max_age')).toBe('3600');
    expect(result.facts).toMatchObject({ issuer: idp.issuer, subject: 'alice', username: 'alice', amr: ['pwd', 'otp', 'mfa'], acr: 'urn:test:loa:2', phishingResistant: false });
    expect(Date.now() - Date.parse(result.facts.authTime ?? '')).toBeLessThan(60_000);
    const claims = decodeJwt(result.idToken);
    expect(claims).toMatchObject({ iss: idp.issuer, aud: AGENT_CLIENT_ID, nonce: 'nonce-from-the-posture-service-0001' });
  });

  it('marks a hardware-key sign-in as phishing-resistant', async () => {
    idp.nextLogin = { accountId: 'alice', amr: ['hwk', 'mfa'] };
    const r = await signIn({ idp: { issuer: idp.issuer, client_id: AGENT_CLIENT_ID }, nonce: 'nonce-hwk-000000000001', onUrl: (u) => void browse(u) });
    expect(r.facts).toMatchObject({ amr: ['hwk', 'mfa'], phishingResistant: true });
  });

  it('fails with SIGN_IN_FAILED when nobody signs in before the timeout', async () => {
    const err = await signIn({ idp: { issuer: idp.issuer, client_id: AGENT_CLIENT_ID }, nonce: 'nonce-timeout-00000001', timeoutMs: 300, onUrl: () => undefined }).catch((e: unknown) => e);
    expect(isPostureError(err, 'SIGN_IN_FAILED')).toBe(true);
  });

  it('fails with SIGN_IN_FAILED for an unknown client', async () => {
    const err = await signIn({ idp: { issuer: idp.issuer, client_id: 'nobody' }, nonce: 'nonce-unknown-client-01', timeoutMs: 1500, onUrl: (u) => void browse(u) }).catch((e: unknown) => e);
    expect(isPostureError(err, 'SIGN_IN_FAILED')).toBe(true);
  });
});
