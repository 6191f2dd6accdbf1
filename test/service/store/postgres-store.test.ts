import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openPostgresStore } from '../../../src/service/store/postgres.js';
import { POSTGRES_MIGRATIONS } from '../../../src/service/store/postgres-schema.js';
import { openStore } from '../../../src/service/store/open.js';
import { serviceMain } from '../../../src/service/cli.js';
import { postgresComponent, startPostgres, type PostgresServer } from '../../helpers/postgres-server.js';
import { describeStoreContract } from './store-contract.js';

const pgc = postgresComponent();
let server: PostgresServer | undefined;

beforeAll(async () => {
  if (pgc.available) server = await startPostgres();
});
afterAll(() => server?.stop());

describe.skipIf(!pgc.available)(`PostgreSQL${pgc.reason ? ` (${pgc.reason})` : ''}`, () => {
  describeStoreContract('PostgreSQL', async () => {
    const url = await (server as PostgresServer).createDatabase();
    return { store: await openPostgresStore(url), another: () => openPostgresStore(url) };
  });

  describe('PostgreSQL store (migrations and selection)', () => {
    it('replicas starting together migrate once, and a reopen keeps the data', async () => {
      const url = await (server as PostgresServer).createDatabase();
      const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore(url)));
      await stores[0]?.createNonce('n', 1);
      await Promise.all(stores.map((s) => s.close()));
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        expect((await client.query('SELECT version FROM schema_version')).rows).toEqual([{ version: POSTGRES_MIGRATIONS.length }]);
        expect((await client.query('SELECT COUNT(*)::int AS n FROM nonces')).rows[0]).toEqual({ n: 1 });
      } finally {
        await client.end();
      }
      const again = await openStore({ dataDir: '/nonexistent', databaseUrl: url });
      expect(again.kind).toBe('postgres');
      expect(await again.ping()).toBe(true);
      await again.close();
    });

    it('admin commands use the database named by --database-url or DATABASE_URL', async () => {
      const url = await (server as PostgresServer).createDatabase();
      const out: string[] = [];
      const io = (env: Record<string, string>) => ({ stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s), env });
      expect(await serviceMain(['enroll-token', '--user', 'alice', '--database-url', url], io({}))).toBe(0);
      expect(await serviceMain(['keys', 'rotate'], io({ DATABASE_URL: url }))).toBe(0);
      const store = await openPostgresStore(url);
      try {
        expect(await store.listServiceKeys()).toHaveLength(1);
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        const codes = (await client.query<{ user_name: string }>('SELECT user_name FROM enrollment_codes')).rows;
        await client.end();
        expect(codes).toEqual([{ user_name: 'alice' }]);
      } finally {
        await store.close();
      }
    });

    it('fails to open with a clear error when the database is unreachable', async () => {
      await expect(openPostgresStore('postgres://postgres@127.0.0.1:1/none')).rejects.toThrow(/ECONNREFUSED|connect/);
    });
  });
});
