/** Starts the service: store, keys, hot-reloaded policy, HTTP(S) listener, housekeeping. */
import { readFileSync } from 'node:fs';
import { buildApp } from './app.js';
import type { ServiceConfig } from './config.js';
import { loadServiceKeys } from './keys.js';
import { createPolicyRuntime } from './policy-runtime.js';
import { loadEventsConfig } from './events/sinks-config.js';
import { describeStore, openStore } from './store/open.js';

const DAY_MS = 86_400_000;

export interface RunningService {
  /** Base URL actually listening (with the real port when 0 was asked). */
  url: string;
  close(): Promise<void>;
  /** Resolves when the service has stopped (close() or a signal). */
  closed: Promise<void>;
}

/**
 * Starts listening. The policy must load (an invalid policy at start is fatal);
 * later invalid edits are rejected and the running policy stays.
 * @throws Error when the store, policy or listener cannot start.
 */
export async function startService(config: ServiceConfig, opts: { handleSignals?: boolean } = {}): Promise<RunningService> {
  const logger = config.logLevel === 'silent' ? false : { level: config.logLevel };
  // A bad events file stops the start, like a bad policy (before anything is opened).
  const events = config.eventsConfigPath ? loadEventsConfig(config.eventsConfigPath, { dataDir: config.dataDir, sharedStore: config.databaseUrl !== undefined }) : undefined;
  // Pool errors on idle connections arrive before the app (and its logger) may exist.
  const ref: { app?: Awaited<ReturnType<typeof buildApp>> } = {};
  const store = await openStore(config, { onError: (err) => ref.app?.log.error({ err }, 'database connection error') });
  const ttlMs = config.resultTtlSeconds * 1000;
  const keys = await loadServiceKeys(store, { now: () => Date.now(), publishRetiredForMs: ttlMs + 120_000 });
  // The policy logs through the app's logger, which exists only after the policy loaded.
  const policy = await createPolicyRuntime(config.policyPath, {
    onReload: (msg) => ref.app?.log.info(msg),
    onError: (msg) => ref.app?.log.error(msg),
  });
  const app = await buildApp(
    { config, store, keys, policy: policy.engine, ...(events ? { events } : {}) },
    { logger, defaultMetrics: true, ...(config.tlsCertPath && config.tlsKeyPath ? { https: { cert: readFileSync(config.tlsCertPath), key: readFileSync(config.tlsKeyPath) } } : {}) },
  );
  // A policy change can change every verdict: drop cached decisions.
  ref.app = app;
  policy.onSwap(() => app.posture.tokens.clear());
  const housekeeping = setInterval(() => {
    const now = Date.now();
    const retention = { eventsBefore: now - config.eventRetentionDays * DAY_MS, attestationsBefore: now - config.historyRetentionDays * DAY_MS };
    void store.purgeExpired(now, retention).catch((e: unknown) => app.log.error({ err: e }, 'purge failed'));
    void keys.reload().catch((e: unknown) => app.log.error({ err: e }, 'key reload failed'));
  }, 30_000);
  housekeeping.unref();

  if (config.insecureTrustAgentMfa) app.log.warn('INSECURE: --insecure-trust-agent-mfa accepts the MFA facts agents report about themselves; use only for tests and trials');
  else if (!config.oidc) app.log.warn('no OIDC issuer configured (--oidc-issuer): MFA cannot be proven, so segments that require MFA deny every device; see docs/identity-providers.md');
  app.log.info(`store: ${describeStore(config)}`);
  if (events) app.log.info(`events: ${events.caepPush.length} CAEP push receiver(s), ${events.ocsf?.sinks.length ?? 0} OCSF sink(s)${events.ocsf?.pseudonymKey ? ', users pseudonymised' : ''}`);
  const address = await app.listen({ host: config.host, port: config.port });
  const port = Number(new URL(address).port);
  const scheme = config.tlsCertPath ? 'https' : 'http';
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(housekeeping);
      await app.close();
      policy.close();
      await store.close();
      resolveClosed();
    })();
    return closing;
  };
  if (opts.handleSignals) {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void close());
  }
  return { url: `${scheme}://${host}:${port}`, close, closed };
}
