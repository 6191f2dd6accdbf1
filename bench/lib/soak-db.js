// Read-only look at the service's database during and after a soak: row counts of the
// tables that grow with traffic and the database's size. Each figure is optional (a
// table another change renames or adds later simply reads as undefined).
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';

const TABLES = ['attestations', 'events', 'nonces', 'jtis'];
const EVENT_TYPES = 'SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY n DESC';

function fileSize(path) {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** A probe over SQLite (`dbPath`, opened read-only beside the service: WAL allows it) or PostgreSQL. */
export async function openDbProbe({ dbPath, databaseUrl }) {
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'posture-soak-probe' });
    await client.connect();
    const one = async (sql) => {
      try {
        return Number((await client.query(sql)).rows[0].v);
      } catch {
        return undefined;
      }
    };
    return {
      async eventTypes() {
        try {
          return Object.fromEntries((await client.query(EVENT_TYPES)).rows.map((r) => [r.type, Number(r.n)]));
        } catch {
          return undefined;
        }
      },
      async read() {
        const counts = {};
        for (const t of TABLES) counts[t] = await one(`SELECT count(*) AS v FROM ${t}`);
        return { counts, bytes: await one('SELECT pg_database_size(current_database()) AS v') };
      },
      close: () => client.end(),
    };
  }
  let db;
  const open = () => (db ??= new Database(dbPath, { readonly: true, fileMustExist: true }));
  return {
    async eventTypes() {
      try {
        return Object.fromEntries(open().prepare(EVENT_TYPES).all().map((r) => [r.type, r.n]));
      } catch {
        return undefined;
      }
    },
    async read() {
      const counts = {};
      for (const t of TABLES) {
        try {
          counts[t] = open().prepare(`SELECT count(*) AS v FROM ${t}`).get().v;
        } catch {
          counts[t] = undefined;
        }
      }
      return { counts, bytes: fileSize(dbPath) + fileSize(`${dbPath}-wal`) };
    },
    async close() {
      db?.close();
    },
  };
}
