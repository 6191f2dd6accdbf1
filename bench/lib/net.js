// Loopback helpers shared by the benchmarks.
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (free when asked; the caller binds it right away). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
