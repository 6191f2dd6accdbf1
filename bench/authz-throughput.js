// 1. Forward-auth decisions per second through a real listening posture service, for
// a compliant enrolled device, against a bare node:http server answering 200 to the
// very same requests. Both servers run in their own child process; autocannon runs in
// this process. The two are measured in alternating 1 s rounds (5 s each in total).
import { rm } from 'node:fs/promises';
import { AUTHZ, attest, deviceAddress, enroll, http, prepareDataDir } from './lib/fleet.js';
import { describe, interleave, runLoad, summarize } from './lib/load.js';
import { startBaselineChild, startServiceChild } from './lib/processes.js';

const CONNECTIONS = 50;
const ROUNDS = 8;
const ROUND_SECONDS = 1;
const WARMUP_SECONDS = 1;

export async function benchAuthzThroughput() {
  console.log(`\n1. authz decisions/s: ${CONNECTIONS} keep-alive connections, ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s per server;`);
  console.log('   each server in its own child process, autocannon in the bench process');
  const dir = await prepareDataDir({ codes: 1 });
  const service = await startServiceChild(dir);
  const bare = await startBaselineChild();
  let ours;
  let base;
  try {
    const device = await enroll(service.url, dir.enrollmentCodes[0], deviceAddress(1));
    const result = await attest(service.url, device, deviceAddress(1));
    if (result.resources[AUTHZ.resource]?.decision !== 'allow') throw new Error(`the compliant device is not allowed on ${AUTHZ.resource}: ${JSON.stringify(result.resources[AUTHZ.resource])}`);
    const headers = AUTHZ.headers(dir.gatewayKey, result.posture_token);
    const probe = await http(service.url, 'GET', AUTHZ.path, { headers });
    if (probe.status !== 200 || probe.headers['x-posture-device'] !== device.deviceId) throw new Error(`authz probe: ${probe.status} ${probe.body}`);
    console.log(`   device enrolled and attested over HTTP: ${result.ear_status}, ${AUTHZ.resource} allow; posture token ${result.posture_token.length} bytes`);
    // The baseline gets byte-for-byte the same requests (same token and headers).
    const load = (server, seconds) => () => runLoad({ url: server.url, path: AUTHZ.path, headers, connections: CONNECTIONS, seconds, server });
    await interleave([load(service, WARMUP_SECONDS), load(bare, WARMUP_SECONDS)], 1);
    [ours, base] = (await interleave([load(service, ROUND_SECONDS), load(bare, ROUND_SECONDS)], ROUNDS)).map(summarize);
  } finally {
    await Promise.all([service.stop(), bare.stop()]);
    await rm(dir.dataDir, { recursive: true, force: true });
  }
  if (ours.ok !== ours.total || ours.errors > 0) throw new Error(`authz answered non-200: ${JSON.stringify(ours.statuses)}, ${ours.errors} errors`);
  const ratio = ours.rps / base.rps;
  console.log(`   posture service (allow): ${describe(ours)}`);
  console.log(`   bare node:http 200:      ${describe(base)}`);
  const cpuRatio = base.serverUsPerOk / ours.serverUsPerOk;
  console.log(`   ratio service / bare:    ${ratio.toFixed(2)}  (goal >= 0.70, p99 <= 5 ms)`);
  console.log(`   server CPU per request:  service ${ours.serverUsPerOk.toFixed(1)} µs, bare ${base.serverUsPerOk.toFixed(1)} µs: capacity ratio ${cpuRatio.toFixed(2)} (bare / service)`);
  return { ours, base, ratio, cpuRatio };
}
