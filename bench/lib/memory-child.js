// Child process (run with --expose-gc): the heap the authz caches hold per device, measured
// by filling them as a busy service would: a device record + its latest state (parsed, as
// the DeviceCache keeps it) and one verified posture token (the TokenCache keeps the
// compact token string). Prints one JSON line.
import { randomBytes } from 'node:crypto';
import { DeviceCache } from '../../dist/src/service/device-cache.js';
import { TokenCache } from '../../dist/src/service/token-cache.js';
import { compliantReport } from './fleet.js';

const N = Number(process.argv[2] ?? 100_000);
const heap = () => {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
};
const RESOURCES = ['jupyter-hub', 'feature-store', 'data-lake', 'training-cluster', 'model-registry', 'inference-gateway'];
const stateJson = (id) => JSON.stringify({
  deviceId: id, attestedAt: Date.now(), freshUntil: Date.now() + 900_000, earStatus: 'affirming',
  resources: Object.fromEntries(RESOURCES.map((r) => [r, { decision: 'allow', reasons: [], message: `Allowed: meets the ${r} requirements.`, warnings: [] }])),
  segments: Object.fromEntries(['experimentation', 'data-storage', 'training', 'deployment'].map((s) => [s, { satisfied: true, reasons: [] }])),
  checks: Object.fromEntries(compliantReport(new Date()).checks.map((c) => [c.id, { status: c.status, reasons: [] }])),
  resultJti: randomBytes(16).toString('base64url'), updatedAt: Date.now(), policyRevision: randomBytes(8).toString('hex'), platform: 'linux',
});
// Kept reachable from the global object, so that nothing is collected before the last reading.
const keep = { devices: new DeviceCache({}, { maxEntries: N * 2 }), tokens: new TokenCache(N * 2) };
globalThis.keep = keep;
const h0 = heap();
for (let i = 0; i < N; i++) {
  const id = `dev_${randomBytes(12).toString('base64url')}`;
  const b64 = (n) => randomBytes(n).toString('base64url');
  keep.devices.set(id, { device: { id, jkt: b64(32), publicJwk: { kty: 'EC', crv: 'P-256', x: b64(32), y: b64(32) }, user: `user${i}@example.com`, groups: ['data-scientists', 'ml-platform'], enrolledAt: Date.now(), platform: 'linux', hostname: `host-${i}` }, state: JSON.parse(stateJson(id)) });
}
const h1 = heap();
// A posture token is ~1.7 KB of base64url (header, EAR claims, ES256 signature).
for (let i = 0; i < N; i++) keep.tokens.set(`${randomBytes(1240).toString('base64url')}.${randomBytes(64).toString('base64url')}`, { deviceId: `d${i}`, jkt: 'j', expMs: Date.now() + 600_000 }, Date.now());
const h2 = heap();
console.log(JSON.stringify({ devices: N, deviceBytes: (h1 - h0) / N, tokenBytes: (h2 - h1) / N, tokens: keep.tokens.size }));
