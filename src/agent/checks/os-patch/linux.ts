/**
 * Linux collector: the distribution from os-release, the running kernel, a pending reboot,
 * and the package manager's pending updates and history. Files are read rather than
 * processes started wherever possible; the one slow command (apt list) is cached while
 * its inputs are unchanged.
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { OsInfo, OsPatchFacts } from '../../../shared/facts/os-patch.js';
import { probeGap, stdoutText } from '../../probes/text.js';
import type { ProbeOutput, ProbeRunner } from '../../probes/types.js';
import type { CollectContext, Observation } from '../types.js';
import { definedOnly, gapsFor, mergeReadings, parseGap, supportReading, type Reading } from './collect-util.js';
import { kernelRebootReading } from './kernel-versions.js';
import { collectApk, collectPacman } from './linux-arch-alpine.js';
import { collectApt } from './linux-apt.js';
import { collectDnf, collectZypper } from './linux-rpm.js';
import { parseOsRelease, type OsRelease } from './parse-os-release.js';
import { clip } from './parse-util.js';

type Family = 'apt' | 'dnf' | 'zypper' | 'pacman' | 'apk';

const READERS: Readonly<Record<Family, (p: ProbeRunner) => Promise<Reading>>> = {
  apt: collectApt,
  dnf: collectDnf,
  zypper: collectZypper,
  pacman: collectPacman,
  apk: collectApk,
};

/** Collects `os_patch` facts on Linux. Never throws for a probe's failure. */
export async function collectLinux(ctx: CollectContext): Promise<Observation<OsPatchFacts>> {
  const p = ctx.probes;
  const [osRelease, kernelOut, marker, modules] = await Promise.all([
    readOsRelease(p),
    p.readFile('linux.kernel-release', '/proc/sys/kernel/osrelease'),
    p.readFile('linux.reboot-required', '/var/run/reboot-required'),
    p.listDir('linux.modules', '/lib/modules'),
  ]);
  const gaps: Gap[] = [...osRelease.gaps];
  const os: OsInfo = { platform: 'linux', ...(osRelease.parsed ? osInfo(osRelease.parsed) : {}) };
  const kernelGap = probeGap(kernelOut, 'os.kernel');
  const kernel = kernelGap ? undefined : stdoutText(kernelOut).trim().split('\n')[0]?.trim();
  if (kernelGap) gaps.push(kernelGap);
  if (kernel) os.kernel = clip(kernel, 128);

  const family = osRelease.parsed ? familyOf(osRelease.parsed) : undefined;
  let packages: Reading;
  if (family) packages = await READERS[family](p);
  else {
    // Without os-release the root cause is its gap; with it, this distribution has no reader.
    const cause: Gap = osRelease.gaps[0] ?? { fact: '', reason: 'not-installed', detail: `no supported package manager for ${osRelease.parsed?.id ?? osRelease.parsed?.name ?? 'this distribution'}` };
    packages = { facts: {}, gaps: gapsFor(cause, ['pendingUpdates', 'pendingSecurityUpdates', 'lastUpdateInstalledAt', 'osUpdatePending']) };
  }
  const support = osRelease.parsed ? supportReading(os, ctx.now(), osRelease.parsed.supportEnd) : { facts: {}, gaps: [] };
  const merged = mergeReadings(packages, support, rebootReading(marker, modules, kernel));
  const facts: OsPatchFacts = definedOnly({ os: definedOnly(os), ...merged.facts });
  return { facts, gaps: [...gaps, ...merged.gaps] };
}

async function readOsRelease(p: ProbeRunner): Promise<{ parsed?: OsRelease; gaps: Gap[] }> {
  let out: ProbeOutput = await p.readFile('linux.os-release', '/etc/os-release');
  if (out.error === 'not-found') out = await p.readFile('linux.os-release', '/usr/lib/os-release', { instance: 'usr-lib' });
  const gap = probeGap(out, 'os');
  if (gap) return { gaps: [gap] };
  const parsed = parseOsRelease(stdoutText(out));
  if (!parsed.ok) return { gaps: [parseGap(out, 'os', parsed.error)] };
  return { parsed, gaps: [] };
}

function osInfo(r: OsRelease): Omit<OsInfo, 'platform'> {
  return {
    ...(r.name ? { name: clip(r.name, 128) } : {}),
    ...(r.id ? { id: clip(r.id, 64) } : {}),
    ...(r.idLike ? { idLike: r.idLike } : {}),
    ...(r.versionId ? { version: clip(r.versionId, 64) } : {}),
    ...(r.versionCodename ? { versionName: clip(r.versionCodename, 64) } : {}),
    ...(r.buildId ? { build: clip(r.buildId, 64) } : {}),
    ...(r.prettyName ? { prettyName: clip(r.prettyName, 256) } : {}),
  };
}

/** The package manager family from `ID` and `ID_LIKE`. */
export function familyOf(r: Pick<OsRelease, 'id' | 'idLike'>): Family | undefined {
  const ids = [r.id ?? '', ...(r.idLike ?? [])];
  const has = (...names: string[]): boolean => ids.some((i) => names.includes(i));
  if (has('debian', 'ubuntu')) return 'apt';
  if (has('fedora', 'rhel', 'centos', 'amzn', 'rocky', 'almalinux', 'ol')) return 'dnf';
  if (has('suse', 'opensuse', 'sles', 'sled') || ids.some((i) => i.startsWith('opensuse'))) return 'zypper';
  if (has('arch', 'archarm')) return 'pacman';
  if (has('alpine')) return 'apk';
  return undefined;
}

/**
 * A reboot is pending when Debian/Ubuntu's `/var/run/reboot-required` marker exists, or a
 * newer kernel than the running one is installed. Without either source it is not known.
 * (Library updates that need a restart are seen only through the marker.)
 */
function rebootReading(marker: ProbeOutput, modules: ProbeOutput, kernel: string | undefined): Reading {
  if (!marker.error) return { facts: { rebootRequired: true }, gaps: [] };
  const dirs = modules.error ? [] : stdoutText(modules).split('\n').filter(Boolean);
  if (kernel) {
    const k = kernelRebootReading(kernel, dirs);
    if (k.pending !== undefined) return { facts: { rebootRequired: k.pending }, gaps: [] };
  }
  const markerGap = marker.error !== 'not-found' ? probeGap(marker, 'rebootRequired') : undefined;
  return {
    facts: {},
    gaps: [markerGap ?? { fact: 'rebootRequired', reason: 'not-installed', probe: modules.key, detail: 'no /var/run/reboot-required marker and no installed kernels under /lib/modules to compare with the running one' }],
  };
}
