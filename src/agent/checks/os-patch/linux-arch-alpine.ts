/** Arch (pacman) and Alpine (apk) package facts. Neither tool marks security updates. */
import type { ProbeRunner } from '../../probes/types.js';
import { historyReading, isKernelPackage, mergeReadings, parseGap, pendingList, readLog, usableText, type Reading } from './collect-util.js';
import { parseApkVersion } from './parse-apk.js';
import { parsePacmanLog, parsePacmanQu } from './parse-pacman.js';

const PENDING_FACTS = ['pendingUpdates', 'osUpdatePending'];

/** Reads `pacman -Qu` (local sync databases; no `-Sy`) and pacman's log. Never throws. */
export async function collectPacman(probes: ProbeRunner): Promise<Reading> {
  const [qu, log] = await Promise.all([
    probes.exec('linux.pacman-qu', 'pacman', ['-Qu'], { timeoutMs: 15_000 }),
    probes.readFile('linux.pacman-log', '/var/log/pacman.log'),
  ]);
  // pacman exits 1 with no output when nothing is upgradable.
  const quiet = !qu.error && qu.exitCode === 1 && qu.stdout.length === 0 && qu.stderr.length === 0;
  let pending: Reading;
  const got = usableText(qu, PENDING_FACTS, { allowEmpty: true, allowNonZeroExit: quiet });
  if ('gaps' in got) pending = { facts: {}, gaps: got.gaps };
  else {
    const parsed = parsePacmanQu(got.text);
    pending = parsed.ok
      ? {
          facts: {
            pendingUpdates: parsed.packages.length,
            osUpdatePending: parsed.packages.some((p) => isKernelPackage(p.name)),
            pending: pendingList(parsed.packages.map((p) => ({ name: p.name, version: p.to, ...(isKernelPackage(p.name) ? { os: true } : {}) }))),
          },
          gaps: [],
        }
      : { facts: {}, gaps: PENDING_FACTS.map((f) => parseGap(qu, f, parsed.error)) };
  }
  return mergeReadings(
    { facts: { packageManager: 'pacman' }, gaps: [{ fact: 'pendingSecurityUpdates', reason: 'not-installed', detail: 'pacman does not mark security updates (arch-audit would)' }] },
    pending,
    historyReading([readLog(log, 'lastUpdateInstalledAt', parsePacmanLog).source], '/var/log/pacman.log'),
  );
}

/** Reads `apk version -l <` against the local index. apk keeps no install history. Never throws. */
export async function collectApk(probes: ProbeRunner): Promise<Reading> {
  const out = await probes.exec('linux.apk-version', 'apk', ['version', '-l', '<'], { timeoutMs: 15_000 });
  const got = usableText(out, PENDING_FACTS);
  let pending: Reading;
  if ('gaps' in got) pending = { facts: {}, gaps: got.gaps };
  else {
    const parsed = parseApkVersion(got.text);
    pending = parsed.ok
      ? {
          facts: {
            pendingUpdates: parsed.packages.length,
            osUpdatePending: parsed.packages.some((p) => isKernelPackage(p.name)),
            pending: pendingList(parsed.packages.map((p) => ({ name: p.name, version: p.available, ...(isKernelPackage(p.name) ? { os: true } : {}) }))),
          },
          gaps: [],
        }
      : { facts: {}, gaps: PENDING_FACTS.map((f) => parseGap(out, f, parsed.error)) };
  }
  return mergeReadings(
    {
      facts: { packageManager: 'apk' },
      gaps: [
        { fact: 'pendingSecurityUpdates', reason: 'not-installed', detail: 'apk does not mark security updates' },
        { fact: 'lastUpdateInstalledAt', reason: 'not-installed', detail: 'apk keeps no install history' },
      ],
    },
    pending,
  );
}
