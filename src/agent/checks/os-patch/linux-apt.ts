/** Debian-family package facts: pending from `apt list --upgradable`, history from apt and dpkg logs. */
import type { Gap } from '../../../shared/check-ids.js';
import type { InstalledUpdate } from '../../../shared/facts/os-patch.js';
import { probeGap, stdoutText } from '../../probes/text.js';
import type { ProbeOutput, ProbeRunner } from '../../probes/types.js';
import { gapsFor, historyReading, isKernelPackage, mergeReadings, parseGap, pendingList, readLog, recentList, usableText, type HistorySource, type Reading } from './collect-util.js';
import { parseAptHistoryLog, parseDpkgLog } from './parse-apt-history.js';
import { parseAptListUpgradable, parseUpdateNotifier } from './parse-apt.js';

/** apt's answer changes only when these do; `apt list` takes ~0.5 s without a package cache. */
const APT_INPUTS = ['/var/lib/dpkg/status', '/var/lib/apt/lists', '/etc/apt/sources.list', '/etc/apt/sources.list.d'];
const PENDING_FACTS = ['pendingUpdates', 'pendingSecurityUpdates', 'osUpdatePending'];

/** Reads apt's pending updates and install history. Never throws. */
export async function collectApt(probes: ProbeRunner): Promise<Reading> {
  const [list, lists, history, dpkg] = await Promise.all([
    probes.exec('linux.apt-list-upgradable', 'apt', ['list', '--upgradable'], { timeoutMs: 20_000, cacheWhileUnchanged: APT_INPUTS }),
    probes.listDir('linux.apt-lists', '/var/lib/apt/lists'),
    probes.readFile('linux.apt-history', '/var/log/apt/history.log'),
    probes.readFile('linux.dpkg-log', '/var/log/dpkg.log'),
  ]);
  const pending = await aptPending(probes, list, lists);
  const apt = readLog(history, 'lastUpdateInstalledAt', parseAptHistoryLog);
  const histSources: HistorySource[] = [apt.source, readLog(dpkg, 'lastUpdateInstalledAt', parseDpkgLog).source];
  return mergeReadings(
    { facts: { packageManager: 'apt' }, gaps: [] },
    pending,
    historyReading(histSources, '/var/log/apt/history.log and /var/log/dpkg.log'),
    aptRecent(apt.parsed),
  );
}

async function aptPending(probes: ProbeRunner, list: ProbeOutput, lists: ProbeOutput): Promise<Reading> {
  const got = usableText(list, PENDING_FACTS);
  const parsed = 'text' in got ? parseAptListUpgradable(got.text) : undefined;
  if (!parsed || !parsed.ok) {
    const why = 'gaps' in got ? got.gaps : gapsFor(parseGap(list, PENDING_FACTS[0] ?? '', parsed?.ok === false ? parsed.error : 'unrecognised'), PENDING_FACTS);
    return notifierFallback(probes, why);
  }
  const facts: Reading['facts'] = {
    pendingUpdates: parsed.packages.length,
    osUpdatePending: parsed.packages.some((p) => isKernelPackage(p.name)),
  };
  const gaps: Gap[] = [];
  const securityKnown = parsed.packages.some((p) => p.security) || hasSecuritySuite(lists, gaps);
  if (securityKnown) facts.pendingSecurityUpdates = parsed.securityCount;
  facts.pending = pendingList(
    parsed.packages.map((p) => ({
      name: p.name,
      version: p.version,
      ...(securityKnown ? { security: p.security } : {}),
      ...(isKernelPackage(p.name) ? { os: true } : {}),
    })),
  );
  return { facts, gaps };
}

/** True when apt has fetched a `*-security` suite; otherwise records why security cannot be counted. */
function hasSecuritySuite(lists: ProbeOutput, gaps: Gap[]): boolean {
  const gap = probeGap(lists, 'pendingSecurityUpdates', { allowEmpty: true });
  if (gap) {
    gaps.push(gap);
    return false;
  }
  const names = stdoutText(lists).split('\n');
  if (names.some((n) => /_dists_[^_]+-security_/.test(n))) return true;
  gaps.push({
    fact: 'pendingSecurityUpdates',
    reason: 'not-configured',
    probe: lists.key,
    detail: 'apt has no *-security suite in /var/lib/apt/lists, so security updates cannot be told apart (add the security repository, then sudo apt update)',
  });
  return false;
}

/** Ubuntu's update-notifier keeps a summary the MOTD shows; used only when `apt list` failed. */
async function notifierFallback(probes: ProbeRunner, why: Gap[]): Promise<Reading> {
  const out = await probes.readFile('linux.update-notifier', '/var/lib/update-notifier/updates-available');
  if (out.error) return { facts: {}, gaps: why };
  const parsed = parseUpdateNotifier(stdoutText(out));
  if (!parsed.ok) return { facts: {}, gaps: why };
  return {
    facts: { pendingUpdates: parsed.updates, pendingSecurityUpdates: parsed.securityUpdates },
    gaps: why.filter((g) => g.fact === 'osUpdatePending'),
  };
}

function aptRecent(parsed: ReturnType<typeof parseAptHistoryLog> | undefined): Reading {
  if (!parsed?.ok) return { facts: {}, gaps: [] };
  const upgrades: InstalledUpdate[] = parsed.transactions
    .filter((t) => t.upgraded > 0 && !t.error)
    .reverse()
    .map((t) => ({
      id: `apt ${t.start}`,
      description: `Upgraded ${t.upgraded} package${t.upgraded === 1 ? '' : 's'}: ${t.upgradedSample.join(', ')}${t.upgraded > t.upgradedSample.length ? ', …' : ''}`,
      installedAt: t.end ?? t.start,
    }));
  return upgrades.length > 0 ? { facts: { recentUpdates: recentList(upgrades) }, gaps: [] } : { facts: {}, gaps: [] };
}
