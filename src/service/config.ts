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
    /** Gateways must present a gateway API key on /authz (X-Posture-Gateway-Key). */
    requireGatewayKey: Type.Boolean(),
    tlsCertPath: Type.Optional(Type.String()),
    tlsKeyPath: Type.Optional(Type.String()),
    logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
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
  };
  if (!Value.Check(ServiceConfigSchema, cfg)) {
    const first = [...Value.Errors(ServiceConfigSchema, cfg)][0];
    throw new PostureError('USAGE', `invalid setting ${first?.path.slice(1) ?? '?'}: ${first?.message ?? 'invalid'} (got ${JSON.stringify(first?.value)})`);
  }
  if (!!cfg.tlsCertPath !== !!cfg.tlsKeyPath) throw new PostureError('USAGE', 'TLS needs both --tls-cert and --tls-key');
  return cfg;
}
