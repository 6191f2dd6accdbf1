/**
 * The event delivery configuration (`--events-config FILE`, YAML): CAEP push receivers
 * (RFC 8935) and OCSF sinks for SIEMs (a JSON-lines file or an HTTP endpoint), with
 * optional pseudonymisation of user identifiers. Validated whole at start; a bad file
 * stops the service with one line naming the first problem. Secrets (authorization
 * header values, the pseudonym key) live in their own files, never in this one.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { PostureError } from '../../shared/errors.js';
import { httpsOrLoopback } from '../config.js';
import { parseYamlSafely } from '../policy/safe-yaml.js';

const Name = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
const HttpUrl = Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2048 });
const FilePath = Type.String({ minLength: 1, maxLength: 4096 });

const CaepPushSchema = Type.Object(
  {
    name: Name,
    /** The receiver's push endpoint (RFC 8935 §2). */
    endpoint: HttpUrl,
    /** The SETs' `aud` (default: the endpoint URL). */
    audience: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    /** A file whose content (one line) is sent as the Authorization header. */
    authorization_file: Type.Optional(FilePath),
  },
  { additionalProperties: false },
);

const OcsfSinkSchema = Type.Union([
  Type.Object({ name: Name, file: FilePath, batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })) }, { additionalProperties: false }),
  Type.Object(
    { name: Name, url: HttpUrl, authorization_file: Type.Optional(FilePath), batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })) },
    { additionalProperties: false },
  ),
]);

export const EventsConfigSchema = Type.Object(
  {
    caep_push: Type.Optional(Type.Array(CaepPushSchema, { maxItems: 32 })),
    ocsf: Type.Optional(
      Type.Object(
        {
          /** Replace user names (and IdP subjects) by keyed pseudonyms (HMAC-SHA256). */
          pseudonymize_users: Type.Optional(Type.Boolean()),
          /** 32+ random bytes; default `<data-dir>/ocsf-pseudonym.key`, created on first start. */
          pseudonym_key_file: Type.Optional(FilePath),
          sinks: Type.Array(OcsfSinkSchema, { minItems: 1, maxItems: 16 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type EventsConfigFile = Static<typeof EventsConfigSchema>;

export interface CaepPushReceiver {
  name: string;
  endpoint: string;
  audience: string;
  authorization?: string;
}

export type OcsfSinkConfig = { name: string; batchSize: number } & ({ kind: 'file'; file: string } | { kind: 'http'; url: string; authorization?: string });

/** The resolved configuration: paths absolute, secrets read. */
export interface EventsConfig {
  caepPush: CaepPushReceiver[];
  ocsf?: { pseudonymKey?: Uint8Array; sinks: OcsfSinkConfig[] };
  /** Delivery timing (defaults suit production; tests shorten them). */
  delivery?: { leaseMs?: number; minBackoffMs?: number; maxBackoffMs?: number };
}

const fail = (msg: string): never => {
  throw new PostureError('USAGE', `events config: ${msg}`);
};

/** http only on loopback (tests, a local forwarder); no credentials or fragments in the URL. */
function checkUrl(raw: string, what: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return fail(`${what} is not a URL`);
  }
  if (!httpsOrLoopback(u)) fail(`${what} must be https (plain http only on a loopback address)`);
  if (u.username || u.password || u.hash) fail(`${what} must not carry credentials or a fragment`);
  return u.toString();
}

function readSecretLine(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return fail(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const line = text.trim();
  // A header value: printable ASCII only, so nothing can inject another header.
  if (!/^[\x20-\x7e]{1,4096}$/.test(line)) fail(`${what} ${path} must hold one line of printable ASCII`);
  return line;
}

/** Reads the pseudonym key, creating a random one (0600) when the default file is absent. */
function pseudonymKey(path: string, create: boolean): Uint8Array {
  try {
    const st = statSync(path);
    if ((st.mode & 0o077) !== 0) fail(`the pseudonym key ${path} must not be readable by group or others (chmod 600)`);
    const key = readFileSync(path);
    if (key.length < 32) fail(`the pseudonym key ${path} must hold at least 32 bytes`);
    return key;
  } catch (e) {
    if (e instanceof PostureError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !create) return fail(`cannot read the pseudonym key ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const key = randomBytes(32);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Exclusive create: two replicas starting together cannot both write a different key.
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, key);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return key;
}

/**
 * Loads and validates `path`. Relative paths inside are relative to the file.
 * @throws PostureError USAGE naming the first problem
 */
export function loadEventsConfig(path: string, opts: { dataDir: string; sharedStore: boolean }): EventsConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return fail(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const parsed = parseYamlSafely(text);
  if (!parsed.ok) return fail(parsed.errors[0]?.message ?? 'unreadable');
  const raw = parsed.value ?? {};
  if (!Value.Check(EventsConfigSchema, raw)) {
    const first = [...Value.Errors(EventsConfigSchema, raw)][0];
    return fail(`${first?.path || '/'}: ${first?.message ?? 'invalid'}`);
  }
  const base = dirname(resolve(path));
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const names = new Set<string>();
  const unique = (kind: string, name: string): void => {
    if (names.has(`${kind}:${name}`)) fail(`two ${kind} entries are named "${name}"`);
    names.add(`${kind}:${name}`);
  };
  const caepPush = (raw.caep_push ?? []).map((r): CaepPushReceiver => {
    unique('caep_push', r.name);
    return {
      name: r.name,
      endpoint: checkUrl(r.endpoint, `caep_push "${r.name}" endpoint`),
      audience: r.audience ?? r.endpoint,
      ...(r.authorization_file ? { authorization: readSecretLine(abs(r.authorization_file), `caep_push "${r.name}" authorization_file`) } : {}),
    };
  });
  const out: EventsConfig = { caepPush };
  if (raw.ocsf) {
    const o = raw.ocsf;
    const sinks = o.sinks.map((s): OcsfSinkConfig => {
      unique('ocsf', s.name);
      const batchSize = s.batch_size ?? 500;
      if ('file' in s) return { name: s.name, batchSize, kind: 'file', file: abs(s.file) };
      return {
        name: s.name,
        batchSize,
        kind: 'http',
        url: checkUrl(s.url, `ocsf sink "${s.name}" url`),
        ...(s.authorization_file ? { authorization: readSecretLine(abs(s.authorization_file), `ocsf sink "${s.name}" authorization_file`) } : {}),
      };
    });
    let key: Uint8Array | undefined;
    if (o.pseudonymize_users) {
      // Replicas must share the key, or a user's pseudonym changes when another replica delivers.
      if (!o.pseudonym_key_file && opts.sharedStore) fail('with several replicas (PostgreSQL), set ocsf.pseudonym_key_file to a key file every replica shares');
      key = o.pseudonym_key_file ? pseudonymKey(abs(o.pseudonym_key_file), false) : pseudonymKey(resolve(opts.dataDir, 'ocsf-pseudonym.key'), true);
    } else if (o.pseudonym_key_file) fail('pseudonym_key_file is set but pseudonymize_users is not true');
    out.ocsf = { sinks, ...(key ? { pseudonymKey: key } : {}) };
  }
  return out;
}
