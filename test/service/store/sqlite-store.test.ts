import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/service/store/sqlite.js';
import { describeStoreContract, enrolled, NOW, write } from './store-contract.js';

const dirs: string[] = [];
async function newPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'posture-store-'));
  dirs.push(dir);
  return join(dir, 'posture.db');
}

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describeStoreContract('SQLite', async () => {
  const path = await newPath();
  return { store: openSqliteStore(path), another: async () => openSqliteStore(path) };
});

describe('SQLite store (file)', () => {
  it('commits a burst of concurrent attestations together, every one durable and in order', async () => {
    const path = await newPath();
    const store = openSqliteStore(path);
    const ids = await Promise.all([1, 2, 3, 4].map((n) => enrolled(store, n)));
    const writes = Array.from({ length: 200 }, (_, i) => write(ids[i % 4] ?? '', `n${i}`, `j${i}`));
    await Promise.all(writes.map((w) => store.createNonce(w.nonce, NOW + 60_000)));
    const outcomes = await Promise.all(writes.map((w) => store.recordAttestation(w)));
    expect(outcomes.every((o) => o === 'stored')).toBe(true);
    await store.close();
    // Reopen the file as another process would after a crash: everything acknowledged is there.
    const db = new Database(path, { readonly: true });
    expect((db.prepare('SELECT COUNT(*) AS n FROM attestations').get() as { n: number }).n).toBe(200);
    expect((db.prepare('SELECT jti FROM attestations ORDER BY id').all() as { jti: string }[]).map((r) => r.jti)).toEqual(writes.map((w) => w.jti));
    expect((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check).toBe('ok');
    db.close();
  });
});
