/**
 * The agent's OIDC sign-in (issue 4): authorization code flow with PKCE (S256) and a
 * loopback redirect (RFC 8252) in the system browser, all protocol work done by
 * openid-client. The ID token is validated there (issuer, audience = client id, nonce,
 * expiry, `azp`, `max_age`) and, with non-repudiation checks on, its signature against
 * the IdP's JWKS. The service verifies it again itself: this check is for the user's sake.
 */
import {
  allowInsecureRequests,
  authorizationCodeGrant,
  buildAuthorizationUrl,
  calculatePKCECodeChallenge,
  discovery,
  enableNonRepudiationChecks,
  None,
  randomPKCECodeVerifier,
  randomState,
  type Configuration,
} from 'openid-client';
import type { IdpHint } from '../../shared/api.js';
import { PostureError } from '../../shared/errors.js';
import { idTokenFacts, type IdTokenFacts } from '../../shared/facts/mfa.js';
import { startLoopbackRedirect } from './loopback.js';

export interface SignInOptions {
  idp: IdpHint;
  /** The OIDC nonce: the service's sign-in challenge. */
  nonce: string;
  /** Shows the authorization URL: printed in headless mode, opened in the browser by the tray. */
  onUrl: (url: string) => void | Promise<void>;
  /** How long to wait for the browser (default 5 min). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface SignInResult {
  idToken: string;
  refreshToken?: string;
  facts: IdTokenFacts;
  /** The ID token's `exp`. */
  expiresAt: Date;
}

/** `openid profile email`: the user claims the service matches against the enrolled user. */
export const SIGN_IN_SCOPE = 'openid profile email';

function loopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** The IdP's configuration for this public client. @throws PostureError SIGN_IN_FAILED */
export async function discoverIdp(idp: IdpHint): Promise<Configuration> {
  let issuer: URL;
  try {
    issuer = new URL(idp.issuer);
  } catch {
    throw new PostureError('SIGN_IN_FAILED', `the identity provider issuer is not a URL: ${idp.issuer}`);
  }
  if (issuer.protocol !== 'https:' && !loopbackHttp(issuer)) throw new PostureError('SIGN_IN_FAILED', 'the identity provider must use https');
  try {
    const config = await discovery(issuer, idp.client_id, undefined, None(), { timeout: 15, ...(loopbackHttp(issuer) ? { execute: [allowInsecureRequests] } : {}) });
    enableNonRepudiationChecks(config);
    return config;
  } catch (e) {
    throw new PostureError('SIGN_IN_FAILED', `cannot reach the identity provider ${idp.issuer}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Runs one interactive sign-in. Resolves once the user finished in the browser and the
 * tokens were exchanged and validated. @throws PostureError SIGN_IN_FAILED
 */
export async function signIn(opts: SignInOptions): Promise<SignInResult> {
  const config = await discoverIdp(opts.idp);
  const verifier = randomPKCECodeVerifier();
  const state = randomState();
  const loopback = await startLoopbackRedirect(state, { timeoutMs: opts.timeoutMs ?? 300_000, ...(opts.signal ? { signal: opts.signal } : {}) });
  try {
    const params: Record<string, string> = {
      redirect_uri: loopback.redirectUri,
      scope: SIGN_IN_SCOPE,
      code_challenge: await calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce: opts.nonce,
    };
    if (opts.idp.acr_values) params.acr_values = opts.idp.acr_values;
    if (opts.idp.max_age !== undefined) params.max_age = String(opts.idp.max_age);
    await opts.onUrl(buildAuthorizationUrl(config, params).href);
    const callback = await loopback.callback();
    const error = callback.searchParams.get('error');
    if (error) throw new PostureError('SIGN_IN_FAILED', `the identity provider refused the sign-in: ${error}${callback.searchParams.get('error_description') ? ` (${callback.searchParams.get('error_description')?.slice(0, 200)})` : ''}`);
    let tokens;
    try {
      tokens = await authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: opts.nonce,
        idTokenExpected: true,
        ...(opts.idp.max_age !== undefined ? { maxAge: opts.idp.max_age } : {}),
      });
    } catch (e) {
      throw new PostureError('SIGN_IN_FAILED', `the sign-in could not be completed: ${(e as Error).message}`, { cause: e });
    }
    const claims = tokens.claims();
    if (!tokens.id_token || !claims) throw new PostureError('SIGN_IN_FAILED', 'the identity provider returned no ID token');
    return {
      idToken: tokens.id_token,
      ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
      facts: idTokenFacts(claims as Record<string, unknown>),
      expiresAt: new Date(claims.exp * 1000),
    };
  } finally {
    await loopback.close();
  }
}
