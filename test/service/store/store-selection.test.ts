import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceMain } from '../../../src/service/cli.js';
import { resolveConfig } from '../../../src/service/config.js';
import { describeStore, openStore } from '../../../src/service/store/open.js';

describe('store selection', () => {
  it('takes the database URL from --database-url, POSTURE_SERVICE_DATABASE_URL or DATABASE_URL, in that order', () => {
    expect(resolveConfig({}, {}).databaseUrl).toBeUndefined();
    expect(resolveConfig({}, { DATABASE_URL: '' }).databaseUrl).toBeUndefined();
    expect(resolveConfig({}, { DATABASE_URL: 'postgres://u@db:5432/posture' }).databaseUrl).toBe('postgres://u@db:5432/posture');
    expect(resolveConfig({}, { DATABASE_URL: 'postgres://a/x', POSTURE_SERVICE_DATABASE_URL: 'postgresql://b/y' }).databaseUrl).toBe('postgresql://b/y');
    expect(resolveConfig({ 'database-url': 'postgresql://c/z' }, { DATABASE_URL: 'postgres://a/x' }).databaseUrl).toBe('postgresql://c/z');
  });

  it('refuses another scheme without echoing the URL (it may hold a password)', () => {
    expect(() => resolveConfig({}, { DATABASE_URL: 'mysql://root:s3cret@db/x' })).toThrow(/databaseUrl/);
    expect(() => resolveConfig({}, { DATABASE_URL: 'mysql://root:s3cret@db/x' })).not.toThrow(/s3cret/);
  });

  it('opens SQLite in the data directory without a URL, and describes the store without credentials', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'posture-sel-'));
    try {
      const store = await openStore({ dataDir });
      expect(store.kind).toBe('sqlite');
      await store.close();
      expect(describeStore({ dataDir })).toBe(`sqlite (${join(dataDir, 'posture.db')})`);
      expect(describeStore({ dataDir, databaseUrl: 'postgres://u:secret@db.internal:5432/posture' })).toBe('postgres (db.internal:5432/posture)');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('admin commands refuse a database URL of another scheme (exit 2)', async () => {
    const err: string[] = [];
    const code = await serviceMain(['keys', 'rotate', '--database-url', 'mysql://x/y'], { stdout: () => undefined, stderr: (s) => err.push(s), env: {} });
    expect(code).toBe(2);
    expect(err.join('')).toMatch(/postgres:\/\//);
  });
});
