/**
 * Service configuration: CLI flags over environment variables over defaults, validated
 * once at start-up (a bad value stops the service with a one-line message).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { PROJECT_ROOT } from '../common/package-info.js';
import { PostureError } from '../shared/errors.js';

export const DEFAULT_PORT = 8443;

export const OIDC_USER_CLAIMS = ['preferred_username', 'email', 'upn', 'sub'] as const;

export const OidcConfigSchema = Type.Object(
  {
    /** Issuer URL: https, or http only on a loopback address (tests, local IdPs). */
    issuer: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 512 }),
    /** The agent's public (native) client id: the ID token audience. */
    clientId: Type.String({ minLength: 1, maxLength: 256 }),
    /** The ID token claim that must equal the device's enrolled user. */
    userClaim: Type.Union(OIDC_USER_CLAIMS.map((c) => Type.Literal(c))),
    /** `acr_values` the agent requests (space-separated). */
    acrValues: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    /** `max_age` (seconds) the agent requests. */
    maxAgeSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86400 })),
  },
  { additionalProperties: false },
);
export type OidcConfig = Static<typeof OidcConfigSchema>;

export const ServiceConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    dataDir: Type.String({ minLength: 1 }),
    policyPath: Type.String({ minLength: 1 }),
    /** The URL devices and gateways use: evidence `aud`, result `iss`. */
    publicUrl: Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$' }),
    /** Posture token lifetime (default 10 min). */
    resultTtlSeconds: Type.Integer({ minimum: 30, maximum: 3600 }),
    /** Nonce lifetime (at most 60 s). */
    challengeTtlSeconds: Type.Integer({ minimum: 5, maximum: 60 }),
    /** Attestation interval the service suggests to agents. */
    attestIntervalSeconds: Type.Integer({ minimum: 30, maximum: 86400 }),
    /** Gateways must present a gateway API key on /authz (X-Posture-Api-Key). */
    requireGatewayKey: Type.Boolean(),
    tlsCertPath: Type.Optional(Type.String()),
    tlsKeyPath: Type.Optional(Type.String()),
    logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
    /** The OIDC identity provider that proves MFA (issue 4); see docs/identity-providers.md. */
    oidc: Type.Optional(OidcConfigSchema),
    /**
     * Without an IdP, accept the MFA facts agents report about themselves. INSECURE: for
     * tests and trials only; by default such facts are dropped and MFA cannot be proven.
     */
    insecureTrustAgentMfa: Type.Boolean(),
    /**
     * PostgreSQL connection URL (`--database-url`, `DATABASE_URL`): several replicas share
     * it. Without it the store is SQLite in the data directory.
     */
    databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://[^\\s]+$', maxLength: 2048 })),
    /** Event delivery: CAEP push receivers and OCSF sinks (YAML; docs/events.md). */
    eventsConfigPath: Type.Optional(Type.String({ minLength: 1 })),
    /** Events older than this are deleted (their sinks should have them by then). */
    eventRetentionDays: Type.Integer({ minimum: 1, maximum: 3650 }),
    /** Attestation history older than this is deleted (each device's latest stays). */
    historyRetentionDays: Type.Integer({ minimum: 1, maximum: 3650 }),
    /**
     * How often the event table is polled for changes made elsewhere. Notifications wake
     * it at once (this process; PostgreSQL LISTEN/NOTIFY across replicas): this is the
     * safety net, and the delay for admin commands on a SQLite file.
     */
    changePollMs: Type.Integer({ minimum: 50, maximum: 60_000 }),
  },
  { additionalProperties: false },
);
export type ServiceConfig = Static<typeof ServiceConfigSchema>;

/** The example policy shipped with the project. */
export function examplePolicyPath(): string {
  return join(PROJECT_ROOT, 'examples', 'policy.yaml');
}

/** The per-user default data directory. */
export function defaultDataDir(env: Readonly<Record<string, string | undefined>>): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(base, 'ai-factory-posture', 'service');
}

/**
 * Resolves the configuration from flags and `POSTURE_SERVICE_*` variables.
 * @throws PostureError USAGE naming the first invalid setting.
 */
export function resolveConfig(flags: Partial<Record<string, string | boolean | undefined>>, env: Readonly<Record<string, string | undefined>>): ServiceConfig {
  const pick = (flag: string, envName: string): string | undefined => {
    const f = flags[flag];
    if (typeof f === 'string') return f;
    return env[`POSTURE_SERVICE_${envName}`];
  };
  const host = pick('host', 'HOST') ?? '127.0.0.1';
  const portRaw = pick('port', 'PORT') ?? String(DEFAULT_PORT);
  const port = /^\d{1,5}$/.test(portRaw) ? Number(portRaw) : Number.NaN;
  const tlsCertPath = pick('tls-cert', 'TLS_CERT');
  const tlsKeyPath = pick('tls-key', 'TLS_KEY');
  const scheme = tlsCertPath ? 'https' : 'http';
  const hostForUrl = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  // An empty value counts as unset (e.g. `DATABASE_URL=` to force SQLite).
  const databaseUrl = pick('database-url', 'DATABASE_URL') || env.DATABASE_URL || undefined;
  const eventsConfigPath = pick('events-config', 'EVENTS_CONFIG');
  const int = (v: string | undefined, dflt: number): number => (v === undefined ? dflt : /^\d{1,9}$/.test(v) ? Number(v) : Number.NaN);
  const cfg = {
    host,
    port,
    dataDir: resolve(pick('data-dir', 'DATA_DIR') ?? defaultDataDir(env)),
    policyPath: resolve(pick('policy', 'POLICY') ?? examplePolicyPath()),
    publicUrl: (pick('public-url', 'PUBLIC_URL') ?? `${scheme}://${hostForUrl}:${port}`).replace(/\/+$/, ''),
    resultTtlSeconds: Number(pick('result-ttl', 'RESULT_TTL') ?? 600),
    challengeTtlSeconds: 60,
    attestIntervalSeconds: Number(pick('attest-interval', 'ATTEST_INTERVAL') ?? 300),
    requireGatewayKey: (pick('require-gateway-key', 'REQUIRE_GATEWAY_KEY') ?? 'true') !== 'false',
    logLevel: pick('log-level', 'LOG_LEVEL') ?? 'info',
    ...(tlsCertPath ? { tlsCertPath: resolve(tlsCertPath) } : {}),
    ...(tlsKeyPath ? { tlsKeyPath: resolve(tlsKeyPath) } : {}),
    ...oidcConfig(pick),
    insecureTrustAgentMfa: (pick('insecure-trust-agent-mfa', 'INSECURE_TRUST_AGENT_MFA') ?? 'false') === 'true',
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(eventsConfigPath ? { eventsConfigPath: resolve(eventsConfigPath) } : {}),
    eventRetentionDays: int(pick('event-retention-days', 'EVENT_RETENTION_DAYS'), 7),
    historyRetentionDays: int(pick('history-retention-days', 'HISTORY_RETENTION_DAYS'), 30),
    // PostgreSQL replicas are woken by NOTIFY, so their poll is only the safety net.
    changePollMs: int(pick('change-poll-ms', 'CHANGE_POLL_MS'), databaseUrl ? 1000 : 250),
  };
  if (!Value.Check(ServiceConfigSchema, cfg)) {
    const first = [...Value.Errors(ServiceConfigSchema, cfg)][0];
    // Never echo a database URL: it may carry a password.
    const got = first?.path === '/databaseUrl' ? 'a URL that is not postgres:// or postgresql://' : JSON.stringify(first?.value);
    throw new PostureError('USAGE', `invalid setting ${first?.path.slice(1) ?? '?'}: ${first?.message ?? 'invalid'} (got ${got})`);
  }
  if (!!cfg.tlsCertPath !== !!cfg.tlsKeyPath) throw new PostureError('USAGE', 'TLS needs both --tls-cert and --tls-key');
  if (cfg.oidc) assertIssuerUrl(cfg.oidc.issuer);
  if (cfg.oidc && cfg.insecureTrustAgentMfa) throw new PostureError('USAGE', '--insecure-trust-agent-mfa makes no sense with an identity provider configured');
  return cfg;
}

/** `--oidc-*` / `POSTURE_SERVICE_OIDC_*`; nothing when no issuer is given. @throws PostureError USAGE */
function oidcConfig(pick: (flag: string, envName: string) => string | undefined): { oidc?: Record<string, unknown> } {
  const issuer = pick('oidc-issuer', 'OIDC_ISSUER');
  const clientId = pick('oidc-client-id', 'OIDC_CLIENT_ID');
  if (!issuer && !clientId) return {};
  if (!issuer || !clientId) throw new PostureError('USAGE', 'OIDC needs both --oidc-issuer and --oidc-client-id');
  const acrValues = pick('oidc-acr-values', 'OIDC_ACR_VALUES');
  const maxAge = pick('oidc-max-age', 'OIDC_MAX_AGE');
  return {
    oidc: {
      issuer,
      clientId,
      userClaim: pick('oidc-user-claim', 'OIDC_USER_CLAIM') ?? 'preferred_username',
      ...(acrValues ? { acrValues } : {}),
      ...(maxAge !== undefined ? { maxAgeSeconds: /^\d{1,9}$/.test(maxAge) ? Number(maxAge) : Number.NaN } : {}),
    },
  };
}

/**
 * The rule for every URL the service calls out to (the IdP, event receivers and sinks):
 * https, or plain http only to a loopback address (tests, a local forwarder).
 */
export function httpsOrLoopback(u: URL): boolean {
  return u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname));
}

function assertIssuerUrl(raw: string): void {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new PostureError('USAGE', `--oidc-issuer is not a URL: ${raw}`);
  }
  if (!httpsOrLoopback(u)) throw new PostureError('USAGE', '--oidc-issuer must be https (plain http only on a loopback address)');
  if (u.search || u.hash || u.username || u.password) throw new PostureError('USAGE', '--oidc-issuer must not carry a query, fragment or credentials');
}
