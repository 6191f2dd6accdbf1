// The service side of the revocation figure: a data directory with a policy whose one
// resource requires the checks the agent watches, an events config that pushes CAEP SETs
// to a receiver in the bench process, the posture service in a child process on a known
// port (the agent addresses its evidence to the URL it connects to, which must be the
// service's public URL), and the receiver itself.
import { fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareDataDir } from './fleet.js';

/** The protected resource and its host (as in the nginx e2e test). */
export const RESOURCE = 'model-registry';
export const RESOURCE_HOST = 'models.ai.internal';

/** One segment requiring exactly the watched checks: a regression of any of them denies. */
export const POLICY = `# Bench policy (bench/lib/revocation-service.js): the resource's segment requires the
# checks the agent watches between attestations (edr, disk_encryption, firewall).
version: 1
defaults:
  max_evidence_age: 15m
segments:
  protected:
    description: What the revocation benchmark protects
    requirements:
      edr: { required: true }
      disk_encryption: { required: true }
      firewall: { required: true }
resources:
  - name: ${RESOURCE}
    segment: protected
    description: MLflow model registry behind the gateway
    match: { hosts: [${RESOURCE_HOST}], path_prefix: / }
groups:
  data-scientists: { segments: [protected] }
`;

const CAEP_EVENT = 'https://schemas.openid.net/secevent/caep/event-type/device-compliance-change';

/**
 * A CAEP push receiver (RFC 8935) on 127.0.0.1: answers 202 to every POST and records
 * when each SET arrived with its subject and current_status (nothing is verified: the
 * figure only needs the arrival time). `waitFor` resolves with the first arrival for a
 * device and status at or after `since` (performance.now() ms), or undefined on timeout.
 */
export async function startCaepReceiver() {
  const arrivals = [];
  const waiters = new Set();
  let malformed = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      let event;
      try {
        const payload = JSON.parse(Buffer.from(Buffer.concat(chunks).toString('utf8').split('.')[1] ?? '', 'base64url').toString('utf8'));
        event = payload.events?.[CAEP_EVENT];
      } catch {
        event = undefined;
      }
      if (event?.subject?.id && event.current_status) {
        const a = { at, subject: event.subject.id, status: event.current_status };
        arrivals.push(a);
        for (const w of waiters) w(a);
      } else {
        malformed++;
      }
      res.writeHead(202).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}/caep/events`,
    arrivals,
    malformed: () => malformed,
    waitFor(subject, status, since, timeoutMs) {
      const match = (a) => a.subject === subject && a.status === status && a.at >= since;
      const seen = arrivals.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => {
        const done = (a) => {
          clearTimeout(timer);
          waiters.delete(onArrival);
          resolve(a);
        };
        const onArrival = (a) => {
          if (match(a)) done(a);
        };
        const timer = setTimeout(() => done(undefined), timeoutMs);
        waiters.add(onArrival);
      });
    },
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/**
 * A data directory (gateway key, `codes` enrolment codes for alice in data-scientists)
 * with the bench policy and an events config pushing to `receiverEndpoint`.
 */
export async function prepareRevocationDir({ codes, receiverEndpoint }) {
  const dir = await prepareDataDir({ codes });
  await writeFile(dir.policyPath, POLICY);
  const eventsConfigPath = join(dir.dataDir, 'events.yaml');
  await writeFile(eventsConfigPath, `caep_push:\n  - name: bench-receiver\n    endpoint: ${receiverEndpoint}\n`);
  return { ...dir, eventsConfigPath };
}

/**
 * The posture service (bench/lib/service-child.js) on 127.0.0.1:`port` with the events
 * config; its public URL is the URL the agents connect to.
 */
export async function startRevocationService(dir, port) {
  const url = `http://127.0.0.1:${port}`;
  const child = fork(fileURLToPath(new URL('service-child.js', import.meta.url)), [dir.dataDir, dir.policyPath, url, dir.eventsConfigPath, String(port)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'], // stdout: the service's log lines
    execArgv: [],
  });
  const exited = new Promise((r) => child.once('exit', r));
  const ready = await Promise.race([
    new Promise((r) => child.on('message', (m) => m?.type === 'ready' && r(m))),
    exited.then((code) => {
      throw new Error(`the posture service exited with ${code} before it was ready`);
    }),
  ]);
  if (ready.url !== url) throw new Error(`the service listens on ${ready.url}, expected ${url}`);
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ type: 'stop' });
      await exited;
    },
  };
}
