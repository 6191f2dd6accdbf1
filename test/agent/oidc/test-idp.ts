/**
 * A real OpenID Provider for tests: panva's oidc-provider 8 in-process on 127.0.0.1 (a
 * random port), with public native clients (no secret, PKCE S256 required, loopback
 * redirect on any port per RFC 8252) and interactions answered by the test: whoever
 * "signs in" next, with which `amr`/`acr`, is set with `nextLogin`. `browse()` plays the
 * browser with plain HTTP: it follows redirects by hand and keeps cookies.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider from 'oidc-provider';

export const AGENT_CLIENT_ID = 'posture-agent';
export const OTHER_CLIENT_ID = 'other-app';

export interface TestLogin {
  accountId: string;
  amr?: string[];
  acr?: string;
  /** auth_time (seconds); now by default. */
  ts?: number;
}

export interface TestIdp {
  issuer: string;
  /** The provider's private signing JWK (RS256), for tests that forge with a look-alike. */
  signingJwk: JWK;
  /** Who signs in at the next interaction. */
  nextLogin: TestLogin;
  /** ID token lifetime in seconds (default 3600). */
  idTokenTtl: number;
  /** Counts discovery/JWKS requests (the service must cache them). */
  requests: { discovery: number; jwks: number };
  close(): Promise<void>;
}

/** Starts a provider. */
export async function startTestIdp(): Promise<TestIdp> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingJwk = { ...(await exportJWK(privateKey)), kid: 'test-idp-key-1', alg: 'RS256', use: 'sig' };
  const native = (clientId: string) => ({
    client_id: clientId,
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  });
  const idp: TestIdp = {
    issuer,
    signingJwk,
    nextLogin: { accountId: 'alice', amr: ['pwd', 'otp', 'mfa'] },
    idTokenTtl: 3600,
    requests: { discovery: 0, jwks: 0 },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const provider = new Provider(issuer, {
    clients: [native(AGENT_CLIENT_ID), native(OTHER_CLIENT_ID)],
    jwks: { keys: [signingJwk] },
    cookies: { keys: ['test-idp-cookie-key-not-secret'] },
    // Real IdPs (Okta, Entra, Keycloak, Google) put the user claims in the ID token too.
    conformIdTokenClaims: false,
    claims: { acr: null, amr: null, auth_time: null, sid: null, openid: ['sub', 'acr', 'amr', 'auth_time', 'sid'], profile: ['preferred_username', 'name'], email: ['email', 'email_verified'] },
    acrValues: ['urn:test:loa:1', 'urn:test:loa:2', 'phr'],
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => ({ sub: id, preferred_username: id, name: id, email: `${id}@example.test`, email_verified: true }),
    }),
    features: { devInteractions: { enabled: false }, revocation: { enabled: true } },
    pkce: { required: () => true, methods: ['S256'] },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    ttl: { IdToken: () => idp.idTokenTtl, AccessToken: 600, AuthorizationCode: 60, Session: 3600, Interaction: 600, Grant: 3600 },
    renderError: async (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = 'json';
      ctx.body = JSON.stringify(out);
    },
  });
  const handle = provider.callback();
  server.on('request', (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/.well-known/openid-configuration') idp.requests.discovery++;
    if (path === '/jwks') idp.requests.jwks++;
    if (/^\/interaction\/[^/]+$/.test(path)) {
      void finishInteraction(provider, idp.nextLogin, req, res).catch((e: unknown) => {
        res.statusCode = 500;
        res.end(String(e));
      });
      return;
    }
    handle(req, res);
  });
  return idp;
}

async function finishInteraction(provider: Provider, login: TestLogin, req: Parameters<Provider['interactionDetails']>[0], res: Parameters<Provider['interactionDetails']>[1]): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const grant = new provider.Grant({ accountId: login.accountId, clientId: details.params.client_id ?? '' });
  grant.addOIDCScope(details.params.scope ?? 'openid');
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: login.accountId, ...(login.amr ? { amr: login.amr } : {}), ...(login.acr ? { acr: login.acr } : {}), ...(login.ts ? { ts: login.ts } : {}), remember: false }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

/**
 * Plays the system browser for an authorization URL: GETs it and every redirect with a
 * fresh cookie jar until a page answers without redirecting (the agent's loopback page).
 * Returns the last URL and status.
 */
export async function browse(url: string, maxHops = 12): Promise<{ url: string; status: number; body: string }> {
  const jar = new Map<string, string>();
  let next = url;
  for (let hop = 0; hop < maxHops; hop++) {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(next, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=.*1970/i.test(a)) || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    const body = await res.text();
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      next = new URL(location, next).href;
      continue;
    }
    return { url: next, status: res.status, body };
  }
  throw new Error(`too many redirects from ${url}`);
}
