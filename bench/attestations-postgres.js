// 2b. Attestations per second on PostgreSQL with two service replicas (the highly
// available set-up of docs/deployment.md), next to the SQLite figure of the same run:
// a throwaway cluster (Debian's packaged binaries, fsync on, 127.0.0.1), two service
// children on it, the same 32 agents as figure 2 spread over both. Every acknowledged
// attestation is then counted in PostgreSQL. Skipped, with the reason, without PostgreSQL.
import { mkdtemp, copyFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { hashSecret } from '../dist/src/service/api-keys.js';
import { examplePolicyPath } from '../dist/src/service/config.js';
import { openStore } from '../dist/src/service/store/open.js';
import { runAgents } from './attestations.js';
import { deviceAddress, enroll, GROUPS, PUBLIC_URL, USER } from './lib/fleet.js';
import { combine, describe, summarize } from './lib/load.js';
import { startServiceChild } from './lib/processes.js';
import { postgresBinDir, startThrowawayPostgres } from './lib/soak-postgres.js';

const AGENTS = 32;
const ROUNDS = 4;
const ROUND_SECONDS = 1;

export async function benchAttestationsPostgres() {
  console.log(`\n2b. attestations/s on PostgreSQL, 2 service replicas, ${AGENTS} agents spread over both (${ROUNDS} rounds of ${ROUND_SECONDS} s)`);
  if (!postgresBinDir()) {
    console.log('   skipped: PostgreSQL is not installed (Debian package postgresql)');
    return undefined;
  }
  const pgServer = await startThrowawayPostgres();
  const dataDir = await mkdtemp(join(tmpdir(), 'posture-bench-pg-'));
  const policyPath = join(dataDir, 'policy.yaml');
  await copyFile(examplePolicyPath(), policyPath);
  const replicas = [];
  try {
    const admin = await openStore({ dataDir, databaseUrl: pgServer.url });
    const now = Date.now();
    const codes = [];
    for (let i = 0; i < AGENTS; i++) {
      const code = `enr_bench_pg_${i}_${randomBytes(16).toString('base64url')}`;
      await admin.createEnrollmentCode({ hash: hashSecret(code), user: USER, groups: GROUPS, createdAt: now, expiresAt: now + 3_600_000 });
      codes.push(code);
    }
    await admin.close();
    for (let r = 0; r < 2; r++) replicas.push(await startServiceChild({ dataDir, policyPath, publicUrl: PUBLIC_URL, databaseUrl: pgServer.url }));
    const urls = replicas.map((s) => s.url);
    const devices = [];
    for (let i = 0; i < AGENTS; i++) devices.push(await enroll(urls[i % 2], codes[i], deviceAddress(i)));
    const warm = await runAgents(urls, devices, 1, undefined, 0);
    const phases = [];
    for (let r = 1; r <= ROUNDS; r++) phases.push(await runAgents(urls, devices, ROUND_SECONDS, undefined, r));
    for (const s of replicas.splice(0)) await s.stop();
    const store = await openStore({ dataDir, databaseUrl: pgServer.url });
    const inDb = await store.countAttestations();
    await store.close();
    const ours = summarize(combine(phases));
    const acked = warm.ok + ours.ok;
    console.log(`   PostgreSQL ${pgServer.version}, 2 replicas: ${describe(ours, 'attestations/s')}`);
    console.log(`   durability: ${acked.toLocaleString('en-US')} acknowledged, ${inDb.toLocaleString('en-US')} rows in PostgreSQL`);
    if (inDb !== acked) throw new Error(`acknowledged ${acked} attestations on PostgreSQL but ${inDb} are in the database`);
    const failed = ours.total - ours.ok + ours.errors;
    if (failed > 0) throw new Error(`${failed} attestations failed on PostgreSQL: ${JSON.stringify(ours.statuses)}`);
    return { ours, acked, inDb, version: pgServer.version };
  } finally {
    for (const s of replicas) await s.stop().catch(() => undefined);
    pgServer.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
