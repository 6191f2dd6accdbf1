/**
 * `posture-agent login`: sign the user in at the service's identity provider and attest at
 * once with the same nonce, so the ID token is bound to that attestation:
 * sign-in challenge (service) → OIDC nonce → browser sign-in → ID token → evidence with
 * `eat_nonce` = that nonce and `["JWT", id_token]` in the `mfa` submod.
 */
import { createHash } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import { tokenRevocation } from 'openid-client';
import { SignInChallengeResponseSchema, type SignInChallengeResponse } from '../../shared/api.js';
import { PostureError } from '../../shared/errors.js';
import { attestOnce, type AgentPaths, type AttestOptions, type AttestOutcome } from '../attest.js';
import { loadAgentState, saveAgentState } from '../state/agent-state.js';
import { deleteOidcSession, loadOidcSession, saveOidcSession, type OidcSession } from './session-store.js';
import { discoverIdp, signIn } from './sign-in.js';

export interface LoginOptions extends Pick<AttestOptions, 'checks'> {
  /** Shows the authorization URL (print it, or open the system browser). */
  onUrl: (url: string) => void | Promise<void>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface LoginOutcome {
  session: OidcSession;
  attestation: AttestOutcome;
}

/** Asks the service for a sign-in challenge. @throws PostureError SERVICE_UNREACHABLE, SERVICE_REJECTED, SIGN_IN_FAILED */
export async function requestSignInChallenge(serviceUrl: string, timeoutMs = 15_000): Promise<SignInChallengeResponse> {
  let res: Response;
  try {
    res = await fetch(`${serviceUrl}/v1/sign-in/challenges`, { method: 'POST', signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (e) {
    throw new PostureError('SERVICE_UNREACHABLE', `cannot reach the posture service at ${serviceUrl} (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name})`);
  }
  const text = await res.text();
  if (res.status === 404) throw new PostureError('SIGN_IN_FAILED', 'the posture service has no identity provider configured: MFA is not verified there, so there is nothing to sign in to');
  if (res.status !== 201) throw new PostureError(res.status >= 500 ? 'SERVICE_UNREACHABLE' : 'SERVICE_REJECTED', `the posture service refused the sign-in challenge: HTTP ${res.status}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!Value.Check(SignInChallengeResponseSchema, body)) throw new PostureError('SERVICE_REJECTED', 'unexpected answer from the posture service for /v1/sign-in/challenges');
  return body;
}

/** Signs the user in and attests with the fresh ID token. @throws PostureError */
export async function loginAndAttest(paths: AgentPaths, opts: LoginOptions): Promise<LoginOutcome> {
  const state = await loadAgentState(paths.stateDir);
  if (!state) throw new PostureError('NOT_ENROLLED', 'this device is not enrolled; run: posture-agent enroll --service URL --code CODE');
  const challenge = await requestSignInChallenge(state.service);
  const result = await signIn({ idp: challenge.idp, nonce: challenge.nonce, onUrl: opts.onUrl, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  const session: OidcSession = {
    version: 1,
    issuer: challenge.idp.issuer,
    clientId: challenge.idp.client_id,
    idToken: result.idToken,
    idTokenHash: createHash('sha256').update(result.idToken, 'utf8').digest('base64url'),
    ...(result.refreshToken ? { refreshToken: result.refreshToken } : {}),
    nonce: challenge.nonce,
    obtainedAt: new Date().toISOString(),
    expiresAt: result.expiresAt.toISOString(),
    facts: result.facts,
    presented: false,
  };
  await saveOidcSession(paths.stateDir, session);
  await saveAgentState(paths.stateDir, { ...state, idp: challenge.idp });
  const attestation = await attestOnce(paths, { nonce: challenge.nonce, ...(opts.checks ? { checks: opts.checks } : {}) });
  return { session: { ...session, presented: true }, attestation };
}

/**
 * Forgets the sign-in; revokes the refresh token at the IdP when there is one (best
 * effort: the local copy is deleted either way). Returns whether a sign-in existed.
 */
export async function logout(stateDir: string): Promise<{ signedOut: boolean; revoked: boolean }> {
  const session = await loadOidcSession(stateDir).catch(() => undefined);
  let revoked = false;
  if (session?.refreshToken) {
    try {
      const config = await discoverIdp({ issuer: session.issuer, client_id: session.clientId });
      await tokenRevocation(config, session.refreshToken, { token_type_hint: 'refresh_token' });
      revoked = true;
    } catch {
      // The IdP may lack a revocation endpoint or be offline; the token is dropped locally.
    }
  }
  await deleteOidcSession(stateDir);
  return { signedOut: session !== undefined, revoked };
}
