/**
 * MFA end to end with a real OIDC provider, the real service and the real agent code:
 * MFA used → pass and allow; password only → fail with the reason and deny, then allow
 * after an MFA sign-in; `posture-agent check` shows unknown/unknown/pass. See
 * oidc-e2e-setup.ts for the set-up and oidc-rejections.test.ts for the refused tokens.
 */
import { stat } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attestOnce } from '../../src/agent/attest.js';
import { main } from '../../src/agent/cli.js';
import { loadOidcSession, sessionFile } from '../../src/agent/oidc/session-store.js';
import type { PostureReport } from '../../src/shared/check-result.js';
import { AGENT_CLIENT_ID, browse } from '../agent/oidc/test-idp.js';
import { CHECKS, cliIo, decision, mfaReasons, startOidcE2e, type OidcE2e } from './oidc-e2e-setup.js';

let e: OidcE2e;
beforeAll(async () => {
  e = await startOidcE2e();
});
afterAll(async () => {
  await e.close();
});
afterEach(() => {
  e.h.clock.now = new Date();
});

describe('MFA with a real OIDC provider, end to end', () => {
  it('MFA used: mfa passes, the segment requiring MFA allows, and later evidence names the token by hash', async () => {
    const paths = await e.enrolAgent();
    const { session, attestation } = await e.login(paths, { accountId: 'alice', amr: ['pwd', 'otp', 'mfa'] });
    const r = attestation.response;
    expect(decision(r, 'model-registry')).toBe('allow');
    expect(decision(r, 'wiki')).toBe('allow');
    expect(r.idp).toEqual({ issuer: e.idp.issuer, client_id: AGENT_CLIENT_ID });
    expect(session.facts).toMatchObject({ username: 'alice', amr: ['pwd', 'otp', 'mfa'] });
    expect(attestation.report.checks.find((c) => c.id === 'mfa')?.status).toBe('pass');
    // The posture token opens the gateway.
    const authz = await e.h.app.inject({ method: 'GET', url: '/authz/v1/model-registry/', headers: { authorization: `Bearer ${r.posture_token}`, 'x-posture-api-key': e.h.gatewayKey } });
    expect(authz.statusCode).toBe(200);
    expect(authz.headers['x-posture-user']).toBe('alice');
    // The next attestation sends only the hash; the service still knows the verified facts.
    expect((await loadOidcSession(paths.stateDir))?.presented).toBe(true);
    const again = await attestOnce(paths, { checks: CHECKS });
    expect(decision(again.response, 'model-registry')).toBe('allow');
    // The session file is private.
    expect((await stat(sessionFile(paths.stateDir))).mode & 0o777).toBe(0o600);
  });

  it('password only: mfa fails with the reason and the segment denies; after an MFA sign-in it allows', async () => {
    const paths = await e.enrolAgent();
    const pwd = await e.login(paths, { accountId: 'alice', amr: ['pwd'] });
    expect(decision(pwd.attestation.response, 'model-registry')).toBe('deny');
    expect(decision(pwd.attestation.response, 'wiki')).toBe('allow');
    expect(mfaReasons(pwd.attestation.response)).toEqual(['mfa.amr_not_accepted']);
    const local = pwd.attestation.report.checks.find((c) => c.id === 'mfa');
    expect(local?.status).toBe('fail');
    expect(local?.summary).toContain('MFA not used: you signed in with pwd');
    const mfa = await e.login(paths, { accountId: 'alice', amr: ['pwd', 'otp', 'mfa'] });
    expect(decision(mfa.attestation.response, 'model-registry')).toBe('allow');
  });

  it('never trusts the amr the agent reports: a password-only token with facts claiming mfa still denies', async () => {
    const paths = await e.enrolAgent();
    const { idToken, nonce } = await e.rawSignIn(e.idp, AGENT_CLIENT_ID, { accountId: 'alice', amr: ['pwd'] });
    await e.plantSession(paths, idToken); // facts say pwd, otp, mfa
    const r = (await attestOnce(paths, { nonce, checks: CHECKS })).response;
    expect(decision(r, 'model-registry')).toBe('deny');
    expect(mfaReasons(r)).toEqual(['mfa.amr_not_accepted']);
  });

  it('posture-agent check shows MFA unknown not-configured, unknown not-collected, then pass after login', async () => {
    const bare = await e.tempDir();
    const mfaOf = (out: string) => (JSON.parse(out) as PostureReport).checks.find((c) => c.id === 'mfa');
    const o1 = cliIo(bare);
    await main(['check', '--json'], o1);
    expect(mfaOf(o1.out)).toMatchObject({ status: 'unknown', unknownReason: 'not-configured' });

    const paths = await e.enrolAgent();
    const o2 = cliIo(paths.stateDir);
    await main(['check', '--json'], o2);
    expect(mfaOf(o2.out)).toMatchObject({ status: 'unknown', unknownReason: 'not-collected', reasons: ['mfa.not_signed_in'] });

    await e.login(paths, { accountId: 'alice', amr: ['pwd', 'otp', 'mfa'] });
    const o3 = cliIo(paths.stateDir);
    await main(['check', '--json'], o3);
    const mfa = mfaOf(o3.out);
    expect(mfa).toMatchObject({ status: 'pass' });
    expect(JSON.stringify(mfa)).not.toContain((await loadOidcSession(paths.stateDir))?.idToken ?? 'x');
  });

  it('posture-agent login prints the URL to open, waits for the sign-in, and prints the verdicts', async () => {
    const paths = await e.enrolAgent();
    e.idp.nextLogin = { accountId: 'alice', amr: ['pwd', 'hwk', 'mfa'] };
    let browsing: Promise<unknown> | undefined;
    const o = cliIo(paths.stateDir) as ReturnType<typeof cliIo> & { err: string };
    o.err = '';
    o.stderr = (s: string) => {
      o.err += s;
      const url = /https?:\/\/\S+/.exec(s)?.[0];
      if (url) browsing = browse(url);
    };
    const code = await main(['login', '--timeout', '30'], o);
    await browsing;
    expect(o.err).toContain('Open this URL in a browser on this computer to sign in');
    expect(code).toBe(0); // the e2e policy requires only MFA: the service affirms
    expect(o.out).toContain(`signed in at ${e.idp.issuer} as alice with pwd, hwk, mfa`);
    expect(o.out).toMatch(/ALLOW\s+model-registry/);
  });
});
