/**
 * `posture-service`: start | enroll-token | api-key create | devices | policy check | keys rotate | events status | backup | restore.
 * Errors print one line and exit non-zero (2 usage/config, 1 failure).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isPostureError, PostureError } from '../shared/errors.js';
import { createApiKey, hashSecret } from './api-keys.js';
import { backupSqlite, restoreSqlite } from './backup.js';
import { resolveConfig, defaultDataDir } from './config.js';
import { rotateServiceKey } from './keys.js';
import { parseDuration } from './policy/duration.js';
import { checkPolicyFile } from './policy-runtime.js';
import { startService } from './server.js';
import { describeStore, openStore as openConfiguredStore } from './store/open.js';
import type { Store } from './store/types.js';

export const SERVICE_USAGE = `Usage: posture-service <command> [options]

  start [--host H] [--port P] [--data-dir D] [--database-url postgres://…] [--policy FILE] [--public-url URL]
        [--tls-cert FILE --tls-key FILE] [--log-level info]
        [--oidc-issuer URL --oidc-client-id ID [--oidc-user-claim preferred_username|email|upn|sub]
         [--oidc-acr-values V] [--oidc-max-age S]] [--insecure-trust-agent-mfa]
        [--events-config FILE] [--event-retention-days 7] [--history-retention-days 30] [--change-poll-ms MS]
                                   Run the service (SQLite in the data directory, or PostgreSQL
                                   with a database URL: docs/deployment.md); with an
                                   OIDC issuer it verifies the users' MFA (docs/identity-providers.md);
                                   events go to CAEP push receivers and OCSF sinks (docs/events.md)
  enroll-token --user U [--groups a,b] [--ttl 24h] [--data-dir D]
                                   Print a single-use enrolment code (last word of the output)
  api-key create --scope admin|gateway [--resources a,b|*] [--label L] [--data-dir D]
                                   Print a new API key (shown once; stored hashed)
  devices [--json] [--data-dir D]  List enrolled devices and their posture
  devices revoke DEVICE_ID [--data-dir D]
                                   Revoke a device (its next request is denied)
  policy check FILE                Validate a policy and explain what each segment requires
  keys rotate [--data-dir D]       Start signing with a new key (old keys stay published until their tokens expire)
  events status [--json] [--data-dir D]
                                   Delivery cursor of every CAEP receiver and event sink, how far behind it is,
                                   and which replica delivers it (docs/events.md)
  backup --to FILE [--force] [--data-dir D]
                                   Copy the SQLite store (safe while the service runs), verified;
                                   PostgreSQL: pg_dump --format=custom (docs/deployment.md)
  restore --from FILE [--force] [--data-dir D]
                                   Verify a backup and put it in place (service stopped; the old
                                   database is kept as posture.db.before-restore-<time>)

Admin commands take --database-url too. Environment: DATABASE_URL, POSTURE_SERVICE_HOST, _PORT, _DATA_DIR, _POLICY, _PUBLIC_URL, _TLS_CERT, _TLS_KEY, _LOG_LEVEL,
  _OIDC_ISSUER, _OIDC_CLIENT_ID, _OIDC_USER_CLAIM, _OIDC_ACR_VALUES, _OIDC_MAX_AGE, _EVENTS_CONFIG, _EVENT_RETENTION_DAYS,
  _HISTORY_RETENTION_DAYS, _CHANGE_POLL_MS.`;

export interface ServiceCliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Readonly<Record<string, string | undefined>>;
}

function parse<const T extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: T, positionals = false) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: positionals, strict: true as const });
  } catch (e) {
    throw new PostureError('USAGE', `${(e as Error).message}; run \`posture-service help\``);
  }
}

const DATA_DIR = { 'data-dir': { type: 'string' }, 'database-url': { type: 'string' } } as const;

/** Where the admin commands' store is: the same selection as `start` (PostgreSQL by URL, else SQLite in the data dir). */
function storeLocation(values: { 'data-dir'?: string; 'database-url'?: string }, env: ServiceCliIo['env']): { dataDir: string; databaseUrl: string | undefined } {
  const dataDir = resolve(values['data-dir'] ?? env.POSTURE_SERVICE_DATA_DIR ?? defaultDataDir(env));
  // An empty variable counts as unset, as for `start`.
  const databaseUrl = values['database-url'] || env.POSTURE_SERVICE_DATABASE_URL || env.DATABASE_URL || undefined;
  return { dataDir, databaseUrl };
}

/** The admin commands' store (see `storeLocation`). */
async function openStore(values: { 'data-dir'?: string; 'database-url'?: string }, env: ServiceCliIo['env']): Promise<Store> {
  const { dataDir, databaseUrl } = storeLocation(values, env);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/\S+$/.test(databaseUrl)) throw new PostureError('USAGE', 'the database URL (--database-url or DATABASE_URL) must start with postgres:// or postgresql://');
  return openConfiguredStore(databaseUrl ? { dataDir, databaseUrl } : { dataDir });
}

function splitList(v: string | undefined): string[] {
  return (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

/** Runs the CLI; resolves with the exit code (for `start`, after the server stops). */
export async function serviceMain(argv: readonly string[], io: ServiceCliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    io.stderr(`posture-service: ${(isPostureError(e) ? e.message : `internal error: ${(e as Error).message}`).split('\n')[0]}\n`);
    return isPostureError(e, 'USAGE') ? 2 : 1;
  }
}

async function dispatch(argv: readonly string[], io: ServiceCliIo): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'start': {
      const { values } = parse(rest, {
        host: { type: 'string' }, port: { type: 'string' }, 'data-dir': { type: 'string' }, policy: { type: 'string' },
        'public-url': { type: 'string' }, 'database-url': { type: 'string' }, 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, 'log-level': { type: 'string' }, 'insecure-trust-agent-mfa': { type: 'boolean' },
        'oidc-issuer': { type: 'string' }, 'oidc-client-id': { type: 'string' }, 'oidc-user-claim': { type: 'string' },
        'oidc-acr-values': { type: 'string' }, 'oidc-max-age': { type: 'string' },
        'events-config': { type: 'string' }, 'event-retention-days': { type: 'string' }, 'history-retention-days': { type: 'string' }, 'change-poll-ms': { type: 'string' },
      });
      const config = resolveConfig({ ...values, 'insecure-trust-agent-mfa': values['insecure-trust-agent-mfa'] ? 'true' : undefined }, io.env);
      const running = await startService(config, { handleSignals: true });
      io.stderr(`posture-service: listening on ${running.url} (store ${describeStore(config)}, policy ${config.policyPath})\n`);
      await running.closed;
      return 0;
    }
    case 'enroll-token': {
      const { values } = parse(rest, { user: { type: 'string' }, groups: { type: 'string' }, ttl: { type: 'string' }, ...DATA_DIR });
      if (!values.user || !NAME.test(values.user)) throw new PostureError('USAGE', 'enroll-token needs --user NAME (letters, digits, . _ @ + -)');
      const groups = splitList(values.groups);
      if (groups.some((g) => !NAME.test(g))) throw new PostureError('USAGE', 'group names use letters, digits, . _ @ + -');
      const ttlMs = parseDuration(values.ttl ?? '24h');
      if (ttlMs === undefined || ttlMs <= 0 || ttlMs > 30 * 86_400_000) throw new PostureError('USAGE', '--ttl must be a duration like 30m, 24h or 7d (at most 30d)');
      const store = await openStore(values, io.env);
      try {
        const code = `enr_${randomBytes(16).toString('base64url')}`;
        const now = Date.now();
        await store.createEnrollmentCode({ hash: hashSecret(code), user: values.user, groups, createdAt: now, expiresAt: now + ttlMs });
        io.stdout(`single-use enrolment code for ${values.user} (groups: ${groups.join(', ') || 'none'}), valid until ${new Date(now + ttlMs).toISOString()}:\n${code}\n`);
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'api-key': {
      const [sub, ...more] = rest;
      if (sub !== 'create') throw new PostureError('USAGE', 'usage: api-key create --scope admin|gateway [--resources a,b]');
      const { values } = parse(more, { scope: { type: 'string' }, resources: { type: 'string' }, label: { type: 'string' }, ...DATA_DIR });
      if (values.scope !== 'admin' && values.scope !== 'gateway') throw new PostureError('USAGE', '--scope must be admin or gateway');
      const resources = values.scope === 'admin' ? ['*'] : splitList(values.resources ?? '*');
      const store = await openStore(values, io.env);
      try {
        const { id, secret } = await createApiKey(store, values.scope, resources, Date.now(), values.label);
        io.stdout(`${values.scope} API key ${id} for resources ${resources.join(', ')} (shown once; send it as X-Posture-Api-Key):\n${secret}\n`);
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'devices':
      return devicesCommand(rest, io);
    case 'policy': {
      const [sub, file, ...more] = rest;
      if (sub !== 'check' || !file || more.length > 0) throw new PostureError('USAGE', 'usage: posture-service policy check FILE');
      const text = await readFile(resolve(file), 'utf8').catch((e: Error) => {
        throw new PostureError('USAGE', `cannot read ${file}: ${e.message}`);
      });
      const result = checkPolicyFile(text, file);
      if (!result.ok) {
        io.stderr(`${result.errors.map((e) => `${file}: ${e}`).join('\n')}\n`);
        io.stderr(`posture-service: ${result.errors.length} error(s); the policy was not accepted\n`);
        return 1;
      }
      io.stdout(`${result.explanation}\n`);
      return 0;
    }
    case 'events': {
      const [sub, ...more] = rest;
      if (sub !== 'status') throw new PostureError('USAGE', 'usage: posture-service events status [--json] [--data-dir D]');
      const { values } = parse(more, { json: { type: 'boolean' }, ...DATA_DIR });
      const store = await openStore(values, io.env);
      try {
        const now = Date.now();
        const last = await store.lastEventSeq();
        const rows = (await store.listDeliveries()).map((d) => ({
          ...d,
          behind: Math.max(0, last - d.cursor),
          delivering: d.lease && d.lease.expiresAt > now ? d.lease.holder : undefined,
        }));
        if (values.json) io.stdout(`${JSON.stringify({ lastEventSeq: last, deliveries: rows }, null, 2)}\n`);
        else {
          io.stdout(`last event seq ${last}\n`);
          if (rows.length === 0) io.stdout('no receivers or sinks have received events yet\n');
          for (const r of rows) {
            io.stdout(`${r.name.padEnd(40)} cursor ${String(r.cursor).padStart(8)}  behind ${String(r.behind).padStart(8)} (events of every type)  ${r.delivering ? `delivered by ${r.delivering}` : r.name.startsWith('sink:') ? 'no replica delivering now' : 'poll receiver'}\n`);
          }
        }
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'keys': {
      const [sub, ...more] = rest;
      if (sub !== 'rotate') throw new PostureError('USAGE', 'usage: keys rotate [--data-dir D]');
      const { values } = parse(more, DATA_DIR);
      const store = await openStore(values, io.env);
      try {
        const rec = await rotateServiceKey(store, Date.now());
        io.stdout(`now signing with ${rec.kid}; earlier keys stay published until their tokens expire (running services pick it up within 30 s)\n`);
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'backup':
    case 'restore': {
      const { values } = parse(rest, { to: { type: 'string' }, from: { type: 'string' }, force: { type: 'boolean' }, ...DATA_DIR });
      const file = cmd === 'backup' ? values.to : values.from;
      if (!file || (cmd === 'backup' ? values.from : values.to) !== undefined) throw new PostureError('USAGE', `usage: posture-service ${cmd === 'backup' ? 'backup --to FILE' : 'restore --from FILE'} [--force] [--data-dir D]`);
      // PostgreSQL has its own tools; shelling out to them is not ours to do.
      const { dataDir, databaseUrl } = storeLocation(values, io.env);
      if (databaseUrl !== undefined) throw new PostureError('USAGE', `the store is PostgreSQL: ${cmd === 'backup' ? 'back it up with pg_dump --format=custom' : 'restore it with pg_restore --no-owner'} (docs/deployment.md, "Backup and restore")`);
      const force = values.force === true;
      if (cmd === 'backup') {
        const b = await backupSqlite({ dataDir, to: file, force });
        io.stdout(`backup ${b.path}: ${b.bytes} bytes, ${b.devices} devices, schema version ${b.schemaVersion} (verified)\n`);
      } else {
        const r = await restoreSqlite({ dataDir, from: file, force, now: Date.now() });
        io.stdout(`restored ${r.path} from ${resolve(file)}: ${r.devices} devices, schema version ${r.schemaVersion}${r.previous ? `; previous database kept as ${r.previous}` : ''}\n`);
      }
      return 0;
    }
    case 'help':
    case '--help':
    case undefined:
      io.stdout(`${SERVICE_USAGE}\n`);
      return cmd === undefined ? 2 : 0;
    default:
      throw new PostureError('USAGE', `unknown command "${cmd}"; run \`posture-service help\``);
  }
}

async function devicesCommand(rest: readonly string[], io: ServiceCliIo): Promise<number> {
  const { values, positionals } = parse(rest, { json: { type: 'boolean' }, ...DATA_DIR }, true);
  const store = await openStore(values, io.env);
  try {
    if (positionals[0] === 'revoke') {
      const id = positionals[1];
      if (!id || positionals.length > 2) throw new PostureError('USAGE', 'usage: devices revoke DEVICE_ID');
      if (!(await store.revokeDevice(id, Date.now()))) throw new PostureError('INPUT_INVALID', `no active device ${id}`);
      io.stdout(`revoked ${id}\n`);
      return 0;
    }
    if (positionals.length > 0) throw new PostureError('USAGE', `unknown devices subcommand "${positionals[0]}"`);
    const devices = await store.listDevices();
    const rows = await Promise.all(devices.map(async (d) => ({ d, s: await store.getDeviceState(d.id) })));
    if (values.json) {
      io.stdout(`${JSON.stringify(rows.map(({ d, s }) => ({ ...d, publicJwk: undefined, state: s })), null, 2)}\n`);
      return 0;
    }
    if (rows.length === 0) io.stdout('no devices enrolled\n');
    for (const { d, s } of rows) {
      const status = d.revokedAt ? 'REVOKED' : !s ? 'never attested' : s.freshUntil < Date.now() ? `stale (${s.earStatus})` : s.earStatus;
      io.stdout(`${d.id}  ${d.user.padEnd(16)} ${(d.hostname ?? '').padEnd(20)} ${status}${s ? `  last ${new Date(s.attestedAt).toISOString()}` : ''}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
