/**
 * Online backup and offline restore of the embedded SQLite store (`<data-dir>/posture.db`),
 * for `posture-service backup|restore`. PostgreSQL deployments use pg_dump/pg_restore
 * (docs/deployment.md, "Backup and restore").
 *
 * Backup reads one snapshot: the store runs in WAL mode, where a read transaction sees a
 * fixed state while the service keeps committing, so the copy is taken inside one read
 * transaction (the SQLite backup API reuses it across steps) and never restarts under load.
 */
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, constants, copyFileSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { PostureError } from '../shared/errors.js';
import { SQLITE_MIGRATIONS } from './store/sqlite-schema.js';

/** What a verified copy holds. */
export interface BackupSummary {
  path: string;
  bytes: number;
  devices: number;
  schemaVersion: number;
}

/** Where a restore put the database, and where the one it replaced went. */
export interface RestoreSummary extends BackupSummary {
  /** The previous database, moved aside (undefined when the data dir had none). */
  previous?: string;
}

const DB_FILE = 'posture.db';
/** Files that belong to a database beside its main file (WAL mode, and rollback journals). */
const SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

/** The schema version this build writes (older ones are migrated when the service starts). */
export const CURRENT_SCHEMA_VERSION = SQLITE_MIGRATIONS.length;

/**
 * Copies the data dir's database to `to` while the service may be running: a consistent
 * snapshot, written 0600 beside the target, verified, then renamed into place.
 * @throws PostureError USAGE when `to` exists and `force` is not set; INPUT_INVALID when
 *   there is no database or the copy fails verification (nothing is left at `to`).
 */
export async function backupSqlite(opts: { dataDir: string; to: string; force: boolean }): Promise<BackupSummary> {
  const source = join(opts.dataDir, DB_FILE);
  const target = resolve(opts.to);
  if (!existsSync(source)) throw new PostureError('INPUT_INVALID', `no database at ${source} (check --data-dir)`);
  if (target === source || target.startsWith(`${source}-`)) throw new PostureError('USAGE', 'the backup must not replace the live database or its WAL');
  if (existsSync(target) && !opts.force) throw new PostureError('USAGE', `${target} exists; pass --force to replace it`);
  if (!existsSync(dirname(target))) throw new PostureError('INPUT_INVALID', `directory ${dirname(target)} does not exist`);
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  // Created 0600 before SQLite writes a byte: the copy holds device keys and the service's signing keys.
  closeSync(openSync(tmp, 'wx', 0o600));
  try {
    // Not opened read-only: a read-only connection on a stopped service's database leaves
    // -wal/-shm files behind (owned by whoever ran the backup); this one only reads, and as
    // the last connection it removes them on close.
    const src = new Database(source, { fileMustExist: true });
    let sourceVersion: number;
    try {
      src.pragma('query_only = ON');
      src.pragma('busy_timeout = 5000');
      src.exec('BEGIN');
      sourceVersion = readSchemaVersion(src, source);
      await src.backup(tmp, { progress: () => 0x7fffffff });
      src.exec('COMMIT');
    } finally {
      src.close();
    }
    // A self-contained file: rollback-journal mode, so opening the copy creates no -wal/-shm
    // beside it (the service switches a restored database back to WAL when it opens it).
    const rw = new Database(tmp, { fileMustExist: true });
    rw.pragma('journal_mode = DELETE');
    rw.close();
    fsyncFile(tmp);
    const { devices, schemaVersion } = verifySqliteFile(tmp, basename(target));
    if (schemaVersion !== sourceVersion) throw new PostureError('INPUT_INVALID', `${basename(target)} failed verification: schema version ${schemaVersion}, the source has ${sourceVersion}`);
    publish(tmp, target, opts.force);
    return { path: target, bytes: statSync(target).size, devices, schemaVersion };
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Replaces the data dir's database with a verified copy of `from`. Refuses when a process
 * has the database open (a running service holds a lock on it for its whole life) and,
 * without `force`, when one exists. The old database (with any -wal/-shm) moves to
 * `posture.db.before-restore-<timestamp>`.
 * @throws PostureError USAGE without `force` over an existing database; INPUT_INVALID when
 *   the backup fails verification or the database is in use.
 */
export async function restoreSqlite(opts: { from: string; dataDir: string; force: boolean; now: number }): Promise<RestoreSummary> {
  const from = resolve(opts.from);
  const target = join(resolve(opts.dataDir), DB_FILE);
  if (!existsSync(from) || !statSync(from).isFile()) throw new PostureError('INPUT_INVALID', `no backup file at ${from}`);
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const tmp = join(dirname(target), `.${DB_FILE}.restore-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    copyFileSync(from, tmp, constants.COPYFILE_EXCL);
    // A backup in WAL format would make every later read-only open leave -wal/-shm files.
    const rw = new Database(tmp, { fileMustExist: true });
    try {
      rw.pragma('journal_mode = DELETE');
    } catch (e) {
      throw new PostureError('INPUT_INVALID', `${from} failed verification: ${(e as Error).message}`);
    } finally {
      rw.close();
    }
    const { devices, schemaVersion } = verifySqliteFile(tmp, from);
    const previous = moveAside(target, opts.force, opts.now);
    try {
      if (previous) carryEventSeq(previous, tmp);
      if (previous && process.getuid?.() === 0) chownSync(tmp, statSync(previous).uid, statSync(previous).gid); // the service's user must still open it
      fsyncFile(tmp);
      renameSync(tmp, target);
    } catch (e) {
      // Never leave the data dir without a database (the next start would create an empty one).
      if (previous) for (const s of [...SIDE_FILES, '']) if (existsSync(`${previous}${s}`)) renameSync(`${previous}${s}`, `${target}${s}`);
      throw e;
    }
    fsyncDir(dirname(target));
    return { path: target, bytes: statSync(target).size, devices, schemaVersion, ...(previous ? { previous } : {}) };
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Event seqs must never go back: receivers identify SETs and OCSF lines by them
 * (`evt-<seq>`), and would drop new events that reuse an old number as duplicates. So the
 * restored database continues numbering after the highest seq the replaced one issued.
 * An unreadable old database (the usual reason to restore) cannot tell: then nothing moves.
 */
function carryEventSeq(previous: string, restored: string): void {
  let highest: number | undefined;
  try {
    // Read-write but query-only: a read-only connection would leave -wal/-shm files beside it.
    const old = new Database(previous, { fileMustExist: true });
    try {
      old.pragma('query_only = ON');
      highest = (old.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get() as { seq: number } | undefined)?.seq;
    } finally {
      old.close();
    }
  } catch {
    return;
  }
  if (highest === undefined) return;
  const db = new Database(restored, { fileMustExist: true });
  try {
    db.transaction(() => {
      const row = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get() as { seq: number } | undefined;
      if (!row) db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)").run(highest);
      else if (row.seq < (highest as number)) db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'events'").run(highest);
    })();
  } finally {
    db.close();
  }
}

/**
 * Opens `path` read-only and checks it is an intact posture-service database this build
 * can run: `PRAGMA integrity_check` is ok and its schema version is known.
 * @param label how messages name the file.
 * @throws PostureError INPUT_INVALID naming the first problem.
 */
export function verifySqliteFile(path: string, label: string = path): { devices: number; schemaVersion: number } {
  const fail = (why: string): PostureError => new PostureError('INPUT_INVALID', `${label} failed verification: ${why}`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw fail((e as Error).message);
  }
  try {
    let problems: string[];
    try {
      problems = (db.pragma('integrity_check(5)') as { integrity_check: string }[]).map((r) => r.integrity_check);
    } catch (e) {
      throw fail(`integrity_check: ${(e as Error).message}`); // SQLITE_CORRUPT on a page it cannot even parse
    }
    if (problems.join() !== 'ok') throw fail(`integrity_check: ${problems.join('; ').replace(/\s+/g, ' ')}`);
    const schemaVersion = readSchemaVersion(db, label);
    if (schemaVersion < 1 || schemaVersion > CURRENT_SCHEMA_VERSION) throw fail(`schema version ${schemaVersion} is newer than this build's (${CURRENT_SCHEMA_VERSION}): upgrade posture-service first`);
    const devices = (db.prepare('SELECT COUNT(*) AS n FROM devices').get() as { n: number }).n;
    return { devices, schemaVersion };
  } catch (e) {
    if (e instanceof PostureError) throw e;
    throw fail((e as Error).message); // SQLITE_CORRUPT / SQLITE_NOTADB on damaged pages
  } finally {
    db.close();
  }
}

function readSchemaVersion(db: Database.Database, label: string): number {
  let rows: { version: number }[];
  try {
    rows = db.prepare('SELECT version FROM schema_version').all() as { version: number }[];
  } catch (e) {
    throw new PostureError('INPUT_INVALID', `${label} is not a readable posture-service database: ${(e as Error).message}`);
  }
  const version = rows[0]?.version;
  if (rows.length !== 1 || !Number.isInteger(version)) throw new PostureError('INPUT_INVALID', `${label} has no single schema version: not a posture-service database`);
  return version as number;
}

/**
 * Moves the database at `target` (and its side files) aside. A running service keeps a
 * SHARED lock on the database file for as long as it has it open (WAL mode), so taking an
 * EXCLUSIVE lock without waiting fails exactly when a process uses it. The lock is held
 * while the WAL is checkpointed into the main file, so the copy set aside is complete.
 */
function moveAside(target: string, force: boolean, now: number): string | undefined {
  const present = ['', ...SIDE_FILES].filter((s) => existsSync(`${target}${s}`));
  if (present.length === 0) return undefined;
  if (present.includes('')) {
    const db = new Database(target, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 0');
      db.pragma('locking_mode = EXCLUSIVE');
      let readable = true;
      try {
        db.exec('BEGIN EXCLUSIVE; COMMIT');
      } catch (e) {
        const code = (e as { code?: string }).code ?? '';
        if (code.startsWith('SQLITE_BUSY')) throw new PostureError('INPUT_INVALID', `${target} is in use (is the service running?); stop the service, then restore`);
        // A damaged header (the usual reason to restore): no service can have it open.
        if (!code.startsWith('SQLITE_NOTADB') && !code.startsWith('SQLITE_CORRUPT')) throw e;
        readable = false;
      }
      if (!force) throw new PostureError('USAGE', `${target} exists; pass --force to replace it (it is kept as ${basename(target)}.before-restore-<time>)`);
      if (readable) db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    // Closing the last connection removed the checkpointed WAL; a -shm left by a killed
    // service only indexes that WAL, so it goes too and the old database is one file.
    if (!existsSync(`${target}-wal`)) rmSync(`${target}-shm`, { force: true });
  } else if (!force) {
    throw new PostureError('USAGE', `${target}-wal or -shm exists; pass --force to move them aside`);
  }
  const aside = `${target}.before-restore-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  if (existsSync(aside)) throw new PostureError('INPUT_INVALID', `${aside} exists; try again`);
  // The main file last: until it moves, a service starting now still finds the old database whole.
  for (const s of [...SIDE_FILES, '']) if (existsSync(`${target}${s}`)) renameSync(`${target}${s}`, `${aside}${s}`);
  return existsSync(aside) ? aside : undefined;
}

/** Puts `tmp` at `target` atomically; without `force` a hard link refuses an existing target. */
function publish(tmp: string, target: string, force: boolean): void {
  if (force) {
    renameSync(tmp, target);
  } else {
    try {
      linkSync(tmp, target);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new PostureError('USAGE', `${target} exists; pass --force to replace it`);
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
      // A file system without hard links: check, then rename (not atomic against a racing writer).
      if (existsSync(target)) throw new PostureError('USAGE', `${target} exists; pass --force to replace it`);
      renameSync(tmp, target);
    }
    if (existsSync(tmp)) unlinkSync(tmp);
  }
  fsyncDir(dirname(target));
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename durable. Windows cannot open a directory for fsync; there it is skipped. */
function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
