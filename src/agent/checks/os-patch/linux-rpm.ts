/** Red Hat and SUSE family package facts: dnf/yum (cache only) and zypper (no refresh). */
import type { ProbeOutput, ProbeRunner } from '../../probes/types.js';
import { historyReading, isKernelPackage, mergeReadings, parseGap, pendingList, readLog, usableText, type Reading } from './collect-util.js';
import { parseDnfCheckUpdate, parseDnfRpmLog, parseUpdateInfoList } from './parse-dnf.js';
import { parseZyppHistory, parseZypperListPatches } from './parse-zypper.js';

/** dnf/yum answers change only when the rpm database or the metadata cache do. */
const RPM_INPUTS = ['/var/lib/rpm', '/var/lib/rpm/rpmdb.sqlite', '/var/lib/rpm/Packages', '/var/cache/dnf', '/var/cache/yum'];
const ZYPP_INPUTS = ['/var/lib/rpm', '/var/lib/rpm/rpmdb.sqlite', '/var/cache/zypp/solv', '/var/cache/zypp/raw'];

/**
 * Reads dnf's (or, where dnf is absent, yum's) pending and security updates from the local
 * metadata cache (`-C`: never a network refresh) and dnf's rpm log. Never throws.
 */
export async function collectDnf(probes: ProbeRunner): Promise<Reading> {
  const first = await readRpm(probes, 'dnf');
  if (first) return first;
  return (await readRpm(probes, 'yum')) ?? { facts: {}, gaps: [{ fact: 'pendingUpdates', reason: 'not-installed', detail: 'neither dnf nor yum is installed' }] };
}

async function readRpm(probes: ProbeRunner, tool: 'dnf' | 'yum'): Promise<Reading | undefined> {
  const opts = { timeoutMs: 30_000, cacheWhileUnchanged: RPM_INPUTS };
  const [check, security, log] = await Promise.all([
    probes.exec(`linux.${tool}-check-update`, tool, ['-C', '-q', 'check-update'], opts),
    probes.exec(`linux.${tool}-updateinfo-security`, tool, tool === 'dnf' ? ['-C', '-q', 'updateinfo', 'list', '--security'] : ['-C', '-q', 'updateinfo', 'list', 'security'], opts),
    tool === 'dnf' ? probes.readFile('linux.dnf-rpm-log', '/var/log/dnf.rpm.log') : undefined,
  ]);
  if (check.error === 'not-installed') return undefined;
  const history = log
    ? historyReading([readLog(log, 'lastUpdateInstalledAt', parseDnfRpmLog).source], '/var/log/dnf.rpm.log')
    : { facts: {}, gaps: [{ fact: 'lastUpdateInstalledAt', reason: 'not-installed' as const, detail: 'yum keeps its history without years (/var/log/yum.log); not read' }] };
  return mergeReadings({ facts: { packageManager: tool }, gaps: [] }, rpmPending(check), rpmSecurity(security), history);
}

/** `check-update` exits 100 when updates exist, 0 when none, 1 on error. */
function rpmPending(out: ProbeOutput): Reading {
  const facts = ['pendingUpdates', 'osUpdatePending'];
  if (!out.error && out.exitCode !== 0 && out.exitCode !== 100) {
    // Exit 1 (or anything else): dnf failed, e.g. no metadata cache for -C.
    const got = usableText(out, facts);
    return { facts: {}, gaps: 'gaps' in got ? got.gaps : facts.map((fact) => ({ fact, reason: 'probe-failed' as const, probe: out.key, detail: `exit ${String(out.exitCode)}` })) };
  }
  const got = usableText(out, facts, { allowNonZeroExit: true, allowEmpty: out.exitCode === 0 });
  if ('gaps' in got) return { facts: {}, gaps: got.gaps };
  const parsed = parseDnfCheckUpdate(got.text);
  if (!parsed.ok) return { facts: {}, gaps: facts.map((f) => parseGap(out, f, parsed.error)) };
  if (out.exitCode === 100 && parsed.packages.length === 0) return { facts: {}, gaps: facts.map((f) => parseGap(out, f, 'exit 100 (updates available) but no package rows')) };
  return {
    facts: {
      pendingUpdates: parsed.packages.length,
      osUpdatePending: parsed.packages.some((p) => isKernelPackage(p.name)),
      pending: pendingList(parsed.packages.map((p) => ({ name: p.name, version: p.version, ...(isKernelPackage(p.name) ? { os: true } : {}) }))),
    },
    gaps: [],
  };
}

function rpmSecurity(out: ProbeOutput): Reading {
  const got = usableText(out, ['pendingSecurityUpdates'], { allowEmpty: true });
  if ('gaps' in got) return { facts: {}, gaps: got.gaps };
  const parsed = parseUpdateInfoList(got.text);
  if (!parsed.ok) return { facts: {}, gaps: [parseGap(out, 'pendingSecurityUpdates', parsed.error)] };
  return { facts: { pendingSecurityUpdates: parsed.securityPackages }, gaps: [] };
}

/** Reads zypper's needed patches (no repository refresh) and libzypp's history. Never throws. */
export async function collectZypper(probes: ProbeRunner): Promise<Reading> {
  const [patches, history] = await Promise.all([
    probes.exec('linux.zypper-list-patches', 'zypper', ['--non-interactive', '--no-refresh', 'list-patches'], { timeoutMs: 60_000, cacheWhileUnchanged: ZYPP_INPUTS }),
    probes.readFile('linux.zypp-history', '/var/log/zypp/history'),
  ]);
  const facts = ['pendingUpdates', 'pendingSecurityUpdates', 'osUpdatePending'];
  const got = usableText(patches, facts);
  let pending: Reading;
  if ('gaps' in got) pending = { facts: {}, gaps: got.gaps };
  else {
    const parsed = parseZypperListPatches(got.text);
    pending = parsed.ok
      ? {
          facts: {
            pendingUpdates: parsed.patches.length,
            pendingSecurityUpdates: parsed.securityCount,
            osUpdatePending: parsed.patches.some((p) => p.kernel),
            pending: pendingList(parsed.patches.map((p) => ({ name: p.name, security: p.category.toLowerCase() === 'security', ...(p.kernel ? { os: true } : {}) }))),
          },
          gaps: [],
        }
      : { facts: {}, gaps: facts.map((f) => parseGap(patches, f, parsed.error)) };
  }
  return mergeReadings(
    { facts: { packageManager: 'zypper' }, gaps: [] },
    pending,
    historyReading([readLog(history, 'lastUpdateInstalledAt', parseZyppHistory).source], '/var/log/zypp/history'),
  );
}
