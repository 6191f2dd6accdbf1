// Soak set-up: a data directory (SQLite, or PostgreSQL when a URL is given) with a gateway
// key and enrolment codes written through the store API, as `posture-service api-key
// create` / `enroll-token` do; the service in its own child process; the fleet enrolled
// over HTTP.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKey, hashSecret } from '../../dist/src/service/api-keys.js';
import { examplePolicyPath } from '../../dist/src/service/config.js';
import { openStore } from '../../dist/src/service/store/open.js';
import { AUTHZ, GROUPS, PUBLIC_URL, USER, deviceAddress, enroll } from './fleet.js';
import { nextMessage } from './processes.js';

/**
 * A temp data directory with the example policy, a gateway key scoped to the soak's
 * resource (as an operator gives a gateway) and `codes` enrolment codes, in the store the
 * service will use. The service is not running yet.
 */
export async function prepareSoakDir({ codes, databaseUrl }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'posture-soak-'));
  const policyPath = join(dataDir, 'policy.yaml');
  await copyFile(examplePolicyPath(), policyPath);
  const store = await openStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
  const now = Date.now();
  let gatewayKey;
  const enrollmentCodes = [];
  try {
    gatewayKey = (await createApiKey(store, 'gateway', [AUTHZ.resource], now, 'soak gateway')).secret;
    for (let i = 0; i < codes; i++) {
      const code = `enr_soak_${i}_${randomBytes(16).toString('base64url')}`;
      await store.createEnrollmentCode({ hash: hashSecret(code), user: USER, groups: GROUPS, createdAt: now, expiresAt: now + 3_600_000 });
      enrollmentCodes.push(code);
    }
  } finally {
    await store.close();
  }
  return { dataDir, policyPath, dbPath: join(dataDir, 'posture.db'), publicUrl: PUBLIC_URL, databaseUrl, gatewayKey, enrollmentCodes };
}


/**
 * The posture service in a child process (bench/lib/soak-service-child.js). `exit` is
 * set when the child ends; ending before `stop()` is a failure of the soak.
 */
export async function startSoakService(dir, { resultTtlSeconds }) {
  const script = fileURLToPath(new URL('soak-service-child.js', import.meta.url));
  const args = [dir.dataDir, dir.policyPath, dir.publicUrl, String(resultTtlSeconds), ...(dir.databaseUrl ? [dir.databaseUrl] : [])];
  // --expose-gc lets the sampler force a full collection now and then to read the live heap.
  // stdout is the service's log (JSON lines at info): discarded; errors still reach stderr.
  const child = fork(script, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: ['--expose-gc'] });
  const handle = { exit: undefined, stopping: false };
  child.once('exit', (code, signal) => (handle.exit = { code, signal }));
  const { url, pid } = await nextMessage(child, 'ready');
  const ask = async (type) => {
    if (handle.exit) throw new Error('the service child has exited');
    const reply = nextMessage(child, type);
    child.send({ type });
    return reply;
  };
  return Object.assign(handle, {
    url,
    pid,
    /** CPU time (user + system, µs) the child has used so far. */
    async cpuMicros() {
      const { usage } = await ask('cpu');
      return usage.user + usage.system;
    },
    /** process.memoryUsage() of the child (fallback when /proc is not there). */
    async memoryUsage() {
      return (await ask('mem')).usage;
    },
    /** Forces a full GC in the child: {heapUsed (bytes that survived), gcMs (pause)}. */
    async liveHeap() {
      const { heapUsed, gcMs } = await ask('live-heap');
      return { heapUsed, gcMs };
    },
    async stop() {
      handle.stopping = true;
      if (handle.exit) return;
      const stopped = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' });
      await stopped;
    },
  });
}

/**
 * Enrols `n` devices over HTTP (PoP-signed, each from its own address), `concurrency` at
 * a time. The last `nonCompliant` devices will report an unencrypted system disk.
 */
export async function enrolFleet(url, codes, n, nonCompliant, concurrency = 8) {
  const devices = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++;
      const address = deviceAddress(i);
      const d = await enroll(url, codes[i], address);
      devices[i] = { ...d, index: i, address, compliant: i < n - nonCompliant, token: undefined, earStatus: undefined };
    }
  }));
  return devices;
}
