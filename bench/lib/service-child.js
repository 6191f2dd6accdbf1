// Child process: one posture service (dist build) listening on 127.0.0.1, port 0.
// Protocol over IPC: → {type:'ready', url} ; ← {type:'cpu'} → {type:'cpu', usage} ;
// ← {type:'stop'} → closes the service (flushing pending writes) and exits.
// Optional 4th argument: an events config (YAML, `--events-config`; '' for none). Optional
// 5th: a port to listen on instead of 0, for a caller whose clients (the real agent) send
// evidence addressed to the URL they connect to, which must equal the public URL.
import { resolveConfig } from '../../dist/src/service/config.js';
import { startService } from '../../dist/src/service/server.js';

// Optional 6th: a PostgreSQL URL (several children on it are replicas).
const [dataDir, policyPath, publicUrl, eventsConfig, port, databaseUrl] = process.argv.slice(2);
// No identity provider here: like the test harness, the bench service accepts the MFA
// facts of the (synthetic) compliant report, so that the device is allowed at all.
// Logs at the service's default level (info), so the figures include what logging costs
// (BENCH_LOG_LEVEL overrides it); the parents discard this child's stdout, where they go.
const config = resolveConfig({
  host: '127.0.0.1', port: port || '0', 'data-dir': dataDir, policy: policyPath, 'public-url': publicUrl, 'log-level': process.env.BENCH_LOG_LEVEL ?? 'info', 'insecure-trust-agent-mfa': 'true',
  ...(eventsConfig ? { 'events-config': eventsConfig } : {}),
  ...(databaseUrl ? { 'database-url': databaseUrl } : {}),
}, {});
const service = await startService(config);
process.on('message', (msg) => {
  if (msg?.type === 'cpu') process.send({ type: 'cpu', usage: process.cpuUsage() });
  if (msg?.type === 'stop') {
    void service.close().then(() => process.exit(0));
  }
});
process.send({ type: 'ready', url: service.url });
