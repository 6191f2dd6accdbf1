import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/service/store/sqlite.js';
import { describeStoreContract, enrolled, NOW, state, write } from './store-contract.js';

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

  it('keeps the full evidence in the history only when the outcome changed or daily; the latest evidence is always at hand', async () => {
    const path = await newPath();
    const store = openSqliteStore(path);
    const id = await enrolled(store);
    const pass = { ...state(id), checks: { edr: { status: 'pass', reasons: [] } } };
    const fail = { ...state(id, 'contraindicated'), checks: { edr: { status: 'fail', reasons: ['edr.not_running'] } } };
    const steps = [
      { at: NOW, st: pass, submods: { n: 1 } }, // first: full
      { at: NOW + 300_000, st: pass, submods: { n: 2 } }, // same outcome: compact
      { at: NOW + 600_000, st: fail, submods: { n: 3 } }, // changed: full
      { at: NOW + 900_000, st: fail, submods: { n: 4 } }, // same: compact
      { at: NOW + 600_000 + 86_400_000, st: fail, submods: { n: 5 } }, // a day after the last full row: full
    ];
    for (const [i, s] of steps.entries()) {
      await store.createNonce(`n${i}`, s.at + 60_000);
      expect(await store.recordAttestation({ ...write(id, `n${i}`, `j${i}`), receivedAt: s.at, state: s.st, submods: s.submods })).toBe('stored');
      // Re-evaluation under a new policy always reads the newest evidence, compact row or not.
      expect(await store.latestSubmods(id)).toEqual(s.submods);
    }
    await store.close();
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT submods_json, state_json FROM attestations ORDER BY id').all() as { submods_json: string; state_json: string }[];
    db.close();
    expect(rows.map((r) => r.submods_json)).toEqual(['{"n":1}', '', '{"n":3}', '', '{"n":5}']);
    expect(rows.map((r) => r.state_json === '')).toEqual([false, true, false, true, false]);
    expect(JSON.parse(rows[2]?.state_json ?? '{}')).toEqual({ checks: { edr: 'fail' }, resources: { 'feature-store': 'allow' }, freshUntil: NOW + 900_000 });
  });

  it('reads the evidence of a database written before compact history (migration 5)', async () => {
    const path = await newPath();
    const store = openSqliteStore(path);
    const id = await enrolled(store);
    await store.createNonce('n', NOW + 60_000);
    await store.recordAttestation(write(id, 'n', 'j'));
    await store.close();
    // As an older version left it: the evidence only in the history row.
    const db = new Database(path);
    db.prepare('UPDATE device_state SET submods_json = NULL, history_digest = NULL, history_full_at = NULL').run();
    db.close();
    const reopened = openSqliteStore(path);
    expect(await reopened.latestSubmods(id)).toEqual({ edr: { status: 'pass' } });
    await reopened.close();
  });
});
