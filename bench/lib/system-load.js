// How busy the whole machine was (Linux /proc/stat), so a run disturbed by other
// processes can be recognised: busy CPU seconds of all processes over a phase.
import { readFileSync } from 'node:fs';

function busyTicks() {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = cpu;
    return user + nice + system + irq + softirq + steal;
  } catch {
    return undefined;
  }
}

/** Starts a measurement; `stop()` returns busy CPU seconds machine-wide, or NaN off Linux. */
export function machineBusy() {
  const t0 = busyTicks();
  return {
    stop() {
      const t1 = busyTicks();
      // USER_HZ is 100 on every Linux build Node supports.
      return t0 === undefined || t1 === undefined ? Number.NaN : (t1 - t0) / 100;
    },
  };
}
