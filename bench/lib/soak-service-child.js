// Child process for the soak test: one posture service (dist build) on 127.0.0.1, port 0,
// over SQLite in the data directory or over PostgreSQL when a database URL is given.
// Same IPC protocol as service-child.js, plus `mem`:
//   → {type:'ready', url, pid} ; ← {type:'cpu'} → {type:'cpu', usage} ;
//   ← {type:'mem'} → {type:'mem', usage: process.memoryUsage()} ;
//   ← {type:'live-heap'} → a full GC (the parent starts this child with --expose-gc), then
//     {type:'live-heap', heapUsed, gcMs}: the heap that survives a full collection;
//   ← {type:'stop'} → closes the service (flushing pending writes) and exits.
import { resolveConfig } from '../../dist/src/service/config.js';
import { startService } from '../../dist/src/service/server.js';

const [dataDir, policyPath, publicUrl, resultTtl, databaseUrl] = process.argv.slice(2);
// The service's default log level, as users run it (its stdout is discarded by the parent).
// No identity provider: like the test harness and the other benchmarks, the service accepts
// the MFA facts of the (synthetic) compliant report, so that a device can be allowed at all.
const flags = {
  host: '127.0.0.1', port: '0', 'data-dir': dataDir, policy: policyPath, 'public-url': publicUrl, 'log-level': process.env.BENCH_LOG_LEVEL ?? 'info',
  'insecure-trust-agent-mfa': 'true', 'result-ttl': resultTtl,
  ...(databaseUrl ? { 'database-url': databaseUrl } : {}),
};
const service = await startService(resolveConfig(flags, {}));
process.on('message', (msg) => {
  if (msg?.type === 'cpu') process.send({ type: 'cpu', usage: process.cpuUsage() });
  if (msg?.type === 'mem') process.send({ type: 'mem', usage: process.memoryUsage() });
  if (msg?.type === 'live-heap') {
    const t0 = performance.now();
    globalThis.gc?.();
    process.send({ type: 'live-heap', heapUsed: globalThis.gc ? process.memoryUsage().heapUsed : Number.NaN, gcMs: performance.now() - t0 });
  }
  if (msg?.type === 'stop') void service.close().then(() => process.exit(0));
});
process.send({ type: 'ready', url: service.url, pid: process.pid });
