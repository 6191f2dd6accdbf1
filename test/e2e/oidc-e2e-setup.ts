/**
 * Shared set-up of the OIDC end-to-end tests: a REAL OpenID Provider (oidc-provider,
 * in-process on 127.0.0.1), the real posture service on a real listener configured with
 * that issuer, and the real agent code (enrol, login, attest). The browser is played with
 * plain HTTP requests (redirects followed by hand, cookies kept).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { enrollDevice, type AgentPaths } from '../../src/agent/attest.js';
import type { CliIo } from '../../src/agent/cli.js';
import { mfaCheck } from '../../src/agent/checks/mfa/index.js';
import { loginAndAttest, requestSignInChallenge, type LoginOutcome } from '../../src/agent/oidc/login.js';
import { saveOidcSession, type OidcSession } from '../../src/agent/oidc/session-store.js';
import { signIn } from '../../src/agent/oidc/sign-in.js';
import { hashSecret } from '../../src/service/api-keys.js';
import type { AttestationResponse } from '../../src/shared/api.js';
import { startHarness, type Harness } from '../helpers/service-harness.js';
import { AGENT_CLIENT_ID, browse, startTestIdp, type TestIdp, type TestLogin } from '../agent/oidc/test-idp.js';

/** A segment that requires MFA (and nothing else) and one that does not. */
export const POLICY = `version: 1
defaults: { max_evidence_age: 15m }
segments:
  mfa-required:
    requirements:
      mfa: { required: true, amr_any: [mfa, hwk], max_auth_age_seconds: 43200 }
  open:
    requirements:
      mfa: { required: false }
resources:
  - { name: model-registry, segment: mfa-required, match: { hosts: [models.ai.internal] } }
  - { name: wiki, segment: open, match: { hosts: [wiki.ai.internal] } }
groups:
  data-scientists: { segments: [mfa-required, open] }
`;

/** Only the MFA check runs: the others depend on this machine, not on the IdP. */
export const CHECKS = [mfaCheck];

export interface OidcE2e {
  idp: TestIdp;
  otherIdp: TestIdp;
  h: Harness;
  enrolAgent(user?: string): Promise<AgentPaths>;
  login(paths: AgentPaths, who: TestLogin): Promise<LoginOutcome>;
  rawSignIn(at: TestIdp, clientId: string, who: TestLogin): Promise<{ idToken: string; nonce: string }>;
  plantSession(paths: AgentPaths, idToken: string): Promise<void>;
  tempDir(): Promise<string>;
  close(): Promise<void>;
}

export async function startOidcE2e(): Promise<OidcE2e> {
  const [idp, otherIdp] = await Promise.all([startTestIdp(), startTestIdp()]);
  const dirs: string[] = [];
  const tempDir = async (): Promise<string> => {
    const d = await mkdtemp(join(tmpdir(), 'posture-oidc-'));
    dirs.push(d);
    return d;
  };
  const policyDir = await tempDir();
  await writeFile(join(policyDir, 'policy.yaml'), POLICY);
  const h = await startHarness({ policyPath: join(policyDir, 'policy.yaml'), listen: true, oidc: { issuer: idp.issuer, 'client-id': AGENT_CLIENT_ID, 'user-claim': 'preferred_username' } });
  const url = h.url ?? '';

  return {
    idp,
    otherIdp,
    h,
    tempDir,
    async enrolAgent(user = 'alice') {
      const stateDir = await tempDir();
      const code = `enr_oidc_${Math.random().toString(36).slice(2)}_${Date.now()}`;
      await h.store.createEnrollmentCode({ hash: hashSecret(code), user, groups: ['data-scientists'], createdAt: Date.now(), expiresAt: Date.now() + 600_000 });
      h.clock.now = new Date();
      const paths: AgentPaths = { stateDir, platform: 'linux' };
      await enrollDevice(paths, url, code);
      return paths;
    },
    async login(paths, who) {
      idp.nextLogin = who;
      h.clock.now = new Date();
      return loginAndAttest(paths, { onUrl: async (u) => void (await browse(u)), checks: CHECKS });
    },
    async rawSignIn(at, clientId, who) {
      at.nextLogin = who;
      h.clock.now = new Date();
      const ch = await requestSignInChallenge(url);
      const r = await signIn({ idp: { issuer: at.issuer, client_id: clientId }, nonce: ch.nonce, onUrl: async (u) => void (await browse(u)) });
      return { idToken: r.idToken, nonce: ch.nonce };
    },
    async plantSession(paths, idToken) {
      const claims = decodeJwt(idToken);
      const session: OidcSession = {
        version: 1,
        // What the agent believes: the service's IdP and client, whatever the token says.
        issuer: idp.issuer,
        clientId: AGENT_CLIENT_ID,
        idToken,
        idTokenHash: createHash('sha256').update(idToken).digest('base64url'),
        nonce: String(claims.nonce ?? 'none'),
        obtainedAt: new Date().toISOString(),
        expiresAt: new Date((claims.exp ?? 0) * 1000).toISOString(),
        // An agent that lies: it claims MFA whatever the token says.
        facts: { issuer: idp.issuer, subject: String(claims.sub), amr: ['pwd', 'otp', 'mfa'], authTime: new Date().toISOString(), phishingResistant: false },
        presented: false,
      };
      await saveOidcSession(paths.stateDir, session);
    },
    async close() {
      await h.close();
      await Promise.all([idp.close(), otherIdp.close()]);
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

export function decision(r: AttestationResponse, resource: string): string {
  return r.resources[resource]?.decision ?? 'missing';
}

/** The reasons the MFA-requiring segment gives. */
export function mfaReasons(r: AttestationResponse): string[] {
  return r.segments['mfa-required']?.reasons ?? [];
}

export function cliIo(home: string): CliIo & { out: string } {
  const o = { out: '', env: { POSTURE_AGENT_HOME: home }, isTty: false, stdout: (s: string) => void (o.out += s), stderr: () => undefined };
  return o;
}
