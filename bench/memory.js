// 6. Heap per device in the authz caches, for the sizing guide (docs/deployment.md).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function benchMemory(devices = 100_000) {
  console.log(`\n6. heap per device in the authz caches (${devices.toLocaleString('en-US')} devices, a child process with --expose-gc)`);
  const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(new URL('./lib/memory-child.js', import.meta.url)), String(devices)], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop());
  const kib = (b) => (b / 1024).toFixed(1);
  // Tokens live 10 min and devices re-attest every 5: about two live tokens per active device.
  const perDevice = r.deviceBytes + 2 * r.tokenBytes;
  console.log(`   device record + state: ${kib(r.deviceBytes)} KiB; one verified posture token: ${kib(r.tokenBytes)} KiB`);
  console.log(`   a device active at the gateway (state + ~2 live tokens): ${kib(perDevice)} KiB → 100,000 active devices ≈ ${Math.round((perDevice * 100_000) / 2 ** 20)} MiB of heap`);
  return { ...r, perDevice };
}
