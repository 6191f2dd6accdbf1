import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/service/config.js';
import { isPostureError } from '../../../src/shared/errors.js';
import { startHarness, type Harness } from '../../helpers/service-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('OIDC service configuration and sign-in challenges', () => {
  it('reads --oidc-* flags and POSTURE_SERVICE_OIDC_* variables', () => {
    const cfg = resolveConfig({ 'oidc-issuer': 'https://login.example.test/oauth2/default', 'oidc-client-id': '0oa1', 'oidc-max-age': '43200' }, { POSTURE_SERVICE_OIDC_USER_CLAIM: 'email', POSTURE_SERVICE_OIDC_ACR_VALUES: 'phr' });
    expect(cfg.oidc).toEqual({ issuer: 'https://login.example.test/oauth2/default', clientId: '0oa1', userClaim: 'email', acrValues: 'phr', maxAgeSeconds: 43200 });
    expect(resolveConfig({}, {}).oidc).toBeUndefined();
  });

  it.each([
    [{ 'oidc-issuer': 'https://idp.example.test' }],
    [{ 'oidc-issuer': 'http://idp.example.test', 'oidc-client-id': 'x' }],
    [{ 'oidc-issuer': 'https://idp.example.test', 'oidc-client-id': 'x', 'oidc-user-claim': 'name' }],
    [{ 'oidc-issuer': 'https://idp.example.test', 'oidc-client-id': 'x', 'oidc-max-age': '12h' }],
  ])('refuses an incomplete or unsafe OIDC setting %j', (flags) => {
    let err: unknown;
    try {
      resolveConfig(flags, {});
    } catch (e) {
      err = e;
    }
    expect(isPostureError(err, 'USAGE')).toBe(true);
  });

  it('answers 404 problem+json for a sign-in challenge when no IdP is configured', async () => {
    h = await startHarness();
    const res = await h.app.inject({ method: 'POST', url: '/v1/sign-in/challenges' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('gives a 10-minute single-use nonce and the IdP hint, and tells enrolling devices the IdP', async () => {
    h = await startHarness({ oidc: { issuer: 'https://idp.example.test', 'client-id': 'posture-agent', 'acr-values': 'phr', 'max-age': '3600' } });
    const res = await h.app.inject({ method: 'POST', url: '/v1/sign-in/challenges' });
    expect(res.statusCode).toBe(201);
    const body = res.json() as { nonce: string; expires_at: string; idp: unknown };
    expect(body.idp).toEqual({ issuer: 'https://idp.example.test', client_id: 'posture-agent', acr_values: 'phr', max_age: 3600 });
    expect(Date.parse(body.expires_at) - h.clock.now.getTime()).toBe(600_000);
    const dev = await h.enroll();
    const att = (await h.attest(dev)).json() as { idp?: unknown };
    expect(att.idp).toEqual(body.idp);
  });
});
