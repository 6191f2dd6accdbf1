/**
 * macOS collector: `sw_vers`, the last Software Update scan (`softwareupdate --list
 * --no-scan`, no network), and `/Library/Receipts/InstallHistory.plist`.
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { OsInfo, OsPatchFacts } from '../../../shared/facts/os-patch.js';
import { probeGap, stderrText, stdoutText } from '../../probes/text.js';
import type { ProbeOutput } from '../../probes/types.js';
import type { CollectContext, Observation } from '../types.js';
import { definedOnly, gapsFor, historyReading, mergeReadings, parseGap, pendingList, recentList, supportReading, type Reading } from './collect-util.js';
import { parseInstallHistory } from './parse-install-history.js';
import { parseSoftwareUpdateList } from './parse-softwareupdate.js';
import { parseSwVers } from './parse-sw-vers.js';
import { clip } from './parse-util.js';

const PENDING_FACTS = ['pendingUpdates', 'pendingSecurityUpdates', 'osUpdatePending'];

/** Collects `os_patch` facts on macOS. Never throws for a probe's failure. */
export async function collectDarwin(ctx: CollectContext): Promise<Observation<OsPatchFacts>> {
  const p = ctx.probes;
  const [swVers, su, history] = await Promise.all([
    p.exec('darwin.sw-vers', 'sw_vers', []),
    p.exec('darwin.softwareupdate-list', 'softwareupdate', ['--list', '--no-scan'], { timeoutMs: 60_000 }),
    p.readFile('darwin.install-history', '/Library/Receipts/InstallHistory.plist'),
  ]);
  const gaps: Gap[] = [];
  const os: OsInfo = { platform: 'darwin', id: 'macos' };
  const swGap = probeGap(swVers, 'os');
  if (swGap) gaps.push(swGap);
  else {
    const v = parseSwVers(stdoutText(swVers));
    if (!v.ok) gaps.push(parseGap(swVers, 'os', v.error));
    else {
      os.name = clip(v.productName, 128);
      os.version = clip(v.productVersion, 64);
      if (v.buildVersion) os.build = clip(v.buildVersion, 64);
      os.prettyName = clip(`${v.productName} ${v.productVersion}${v.productVersionExtra ? ` ${v.productVersionExtra}` : ''}${v.buildVersion ? ` (${v.buildVersion})` : ''}`, 256);
    }
  }
  const support = os.version ? supportReading(os, ctx.now()) : { facts: {}, gaps: [] };
  const merged = mergeReadings(
    { facts: { packageManager: 'softwareupdate' }, gaps: [] },
    pendingReading(su),
    historyFacts(history),
    support,
    // macOS keeps no pending-restart flag the agent can read without privileges.
    { facts: {}, gaps: [{ fact: 'rebootRequired', reason: 'not-installed', detail: 'macOS has no pending-restart indicator the agent can read' }] },
  );
  return { facts: definedOnly({ os, ...merged.facts }), gaps: [...gaps, ...merged.gaps] };
}

function pendingReading(out: ProbeOutput): Reading {
  // softwareupdate prints "No new software available." on stderr, the list on stdout.
  const gap = probeGap(out, PENDING_FACTS[0] ?? '', { allowNonZeroExit: true, allowEmpty: true });
  if (gap) return { facts: {}, gaps: gapsFor(gap, PENDING_FACTS) };
  const parsed = parseSoftwareUpdateList(`${stdoutText(out)}\n${stderrText(out)}`);
  if (!parsed.ok) {
    const g: Gap = parsed.scanFailed
      ? { fact: '', reason: 'probe-failed', probe: out.key, detail: clip(parsed.error, 500) }
      : parseGap(out, '', parsed.error);
    return { facts: {}, gaps: gapsFor(g, PENDING_FACTS) };
  }
  const u = parsed.updates;
  return {
    facts: {
      pendingUpdates: u.length,
      pendingSecurityUpdates: u.filter((x) => x.security).length,
      osUpdatePending: u.some((x) => x.os && !x.beta),
      pending: pendingList(
        u.map((x) => ({
          name: x.title,
          ...(x.version ? { version: x.version } : {}),
          security: x.security,
          os: x.os,
          restart: x.restart,
          ...(x.beta ? { beta: true } : {}),
        })),
      ),
    },
    gaps: [],
  };
}

function historyFacts(out: ProbeOutput): Reading {
  const gap = probeGap(out, 'lastUpdateInstalledAt');
  if (gap) return { facts: {}, gaps: [gap] };
  const parsed = parseInstallHistory(stdoutText(out));
  if (!parsed.ok) return { facts: {}, gaps: [parseGap(out, 'lastUpdateInstalledAt', parsed.error)] };
  const dates = historyReading(
    [{ ...(parsed.lastSystemUpdateAt ? { lastUpgradeAt: parsed.lastSystemUpdateAt } : {}), ...(parsed.firstEntryAt ? { firstEntryAt: parsed.firstEntryAt } : {}) }],
    'InstallHistory.plist (macOS and Software Update installs)',
  );
  return mergeReadings(dates, {
    facts: {
      installedUpdateCount: parsed.records.length,
      recentUpdates: recentList(
        parsed.records.map((r) => ({
          id: r.displayVersion ? `${r.displayName} ${r.displayVersion}` : r.displayName,
          ...(r.processName ? { description: `${r.contentType === 'config-data' ? 'security data' : 'installed'} by ${r.processName}` } : {}),
          installedAt: r.date,
        })),
      ),
    },
    gaps: [],
  });
}
