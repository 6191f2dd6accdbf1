/**
 * Windows collector. Locale-independent sources first: the registry (version, pending
 * reboot), `Get-HotFix` as JSON from a fixed script, and Windows Update's own last scan
 * (offline search, no network). `wmic qfe list` and `systeminfo` are fallbacks for
 * machines where PowerShell is blocked; their parsers handle localised output.
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { OsInfo, OsPatchFacts } from '../../../shared/facts/os-patch.js';
import { probeGap, stdoutText } from '../../probes/text.js';
import type { ProbeOutput, ProbeRunner } from '../../probes/types.js';
import type { CollectContext, Observation } from '../types.js';
import { definedOnly, gapsFor, mergeReadings, parseGap, pendingList, recentList, supportReading, type Reading } from './collect-util.js';
import { parseGetHotFix, parseWmicQfe, type Hotfix } from './parse-hotfix.js';
import { parseWindowsCurrentVersion } from './parse-current-version.js';
import { parseSystemInfo } from './parse-systeminfo.js';
import { clip } from './parse-util.js';
import { parseWuPending } from './parse-wu-pending.js';

const PS = ['-NoProfile', '-NonInteractive', '-NoLogo', '-Command'];

/** Installed updates as JSON; dates formatted invariantly so the culture cannot change them. */
export const HOTFIX_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8',
  '$inv = [Globalization.CultureInfo]::InvariantCulture',
  "$list = @(Get-HotFix | ForEach-Object { [ordered]@{ HotFixID = $_.HotFixID; Description = $_.Description; InstalledOn = if ($_.InstalledOn) { $_.InstalledOn.ToString('yyyy-MM-dd', $inv) } else { $null } } })",
  'ConvertTo-Json -InputObject $list -Compress',
].join('\n');

/** Pending updates from Windows Update's last scan (`Online = $false`: no network, seconds not minutes). */
export const WU_PENDING_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8',
  '$searcher = (New-Object -ComObject Microsoft.Update.Session).CreateUpdateSearcher()',
  '$searcher.Online = $false',
  "$result = $searcher.Search(\"IsInstalled=0 and IsHidden=0 and Type='Software'\")",
  '$last = (New-Object -ComObject Microsoft.Update.AutoUpdate).Results.LastSearchSuccessDate',
  "$updates = @(foreach ($u in $result.Updates) { [ordered]@{ Title = $u.Title; KB = @($u.KBArticleIDs); MsrcSeverity = $u.MsrcSeverity; Categories = @(foreach ($c in $u.Categories) { $c.CategoryID }); RebootRequired = [bool]$u.RebootRequired } })",
  "$lastText = if ($last -and $last.Year -gt 1601) { $last.ToString('yyyy-MM-ddTHH:mm:ss', [Globalization.CultureInfo]::InvariantCulture) + 'Z' } else { $null }",
  'ConvertTo-Json -Depth 4 -Compress -InputObject ([ordered]@{ ResultCode = [int]$result.ResultCode; LastSearchSuccessDate = $lastText; Updates = $updates })',
].join('\n');

const CURRENT_VERSION_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion';
const REBOOT_KEYS = {
  wu: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired',
  cbs: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending',
} as const;
const PENDING_FACTS = ['pendingUpdates', 'pendingSecurityUpdates', 'osUpdatePending'];

/** Collects `os_patch` facts on Windows. Never throws for a probe's failure. */
export async function collectWin32(ctx: CollectContext): Promise<Observation<OsPatchFacts>> {
  const p = ctx.probes;
  const [cv, hotfixes, wu, rebootWu, rebootCbs] = await Promise.all([
    p.exec('win32.reg-currentversion', 'reg', ['query', CURRENT_VERSION_KEY]),
    readHotfixes(p),
    p.exec('win32.wu-pending', 'powershell', [...PS, WU_PENDING_SCRIPT], { timeoutMs: 120_000 }),
    p.exec('win32.reg-reboot-pending', 'reg', ['query', REBOOT_KEYS.wu], { instance: 'wu' }),
    p.exec('win32.reg-reboot-pending', 'reg', ['query', REBOOT_KEYS.cbs], { instance: 'cbs' }),
  ]);
  const gaps: Gap[] = [];
  const os: OsInfo = { platform: 'win32', id: 'windows' };
  const cvGap = probeGap(cv, 'os');
  const ver = cvGap ? undefined : parseWindowsCurrentVersion(stdoutText(cv));
  if (cvGap) gaps.push(cvGap);
  else if (ver && !ver.ok) gaps.push(parseGap(cv, 'os', ver.error));
  else if (ver?.ok) {
    if (ver.name) os.name = clip(ver.name, 128);
    os.version = ver.version;
    os.build = ver.build;
    if (ver.displayVersion) os.versionName = clip(ver.displayVersion, 64);
    if (ver.editionId) os.edition = clip(ver.editionId, 64);
    os.prettyName = clip(`${ver.name ?? 'Windows'}${ver.displayVersion ? ` ${ver.displayVersion}` : ''} (build ${ver.build})`, 256);
  }
  const support = os.version ? supportReading(os, ctx.now()) : { facts: {}, gaps: [] };
  const merged = mergeReadings({ facts: { packageManager: 'windows-update' }, gaps: [] }, hotfixes, pendingReading(wu), rebootReading(rebootWu, rebootCbs), support);
  return { facts: definedOnly({ os, ...merged.facts }), gaps: [...gaps, ...merged.gaps] };
}

/** Get-HotFix JSON, else `wmic qfe list`, else `systeminfo` (KB ids without dates). */
async function readHotfixes(p: ProbeRunner): Promise<Reading> {
  const tried: Gap[] = [];
  const ps = await p.exec('win32.get-hotfix', 'powershell', [...PS, HOTFIX_SCRIPT], { timeoutMs: 60_000 });
  const fromPs = hotfixReading(ps, parseGetHotFix, tried);
  if (fromPs) return fromPs;
  const wmic = await p.exec('win32.wmic-qfe', 'wmic', ['qfe', 'list'], { timeoutMs: 60_000 });
  const fromWmic = hotfixReading(wmic, parseWmicQfe, tried);
  if (fromWmic) return fromWmic;
  const si = await p.exec('win32.systeminfo', 'systeminfo', [], { timeoutMs: 60_000 });
  const siGap = probeGap(si, 'lastUpdateInstalledAt');
  const parsed = siGap ? undefined : parseSystemInfo(stdoutText(si));
  if (parsed?.ok && parsed.listed > 0) {
    return {
      facts: { installedUpdateCount: parsed.reportedCount ?? parsed.hotfixes.length, recentUpdates: recentList(parsed.hotfixes.map((id) => ({ id }))) },
      gaps: [{ fact: 'lastUpdateInstalledAt', reason: 'parse-error', probe: si.key, detail: 'systeminfo lists hotfixes without install dates' }],
    };
  }
  tried.push(siGap ?? parseGap(si, 'lastUpdateInstalledAt', parsed && !parsed.ok ? parsed.error : 'systeminfo lists no hotfixes'));
  return { facts: {}, gaps: [tried[0] ?? { fact: 'lastUpdateInstalledAt', reason: 'not-collected' }] };
}

function hotfixReading(out: ProbeOutput, parse: (t: string) => ReturnType<typeof parseGetHotFix>, tried: Gap[]): Reading | undefined {
  const gap = probeGap(out, 'lastUpdateInstalledAt');
  if (gap) {
    tried.push(gap);
    return undefined;
  }
  const parsed = parse(stdoutText(out));
  if (!parsed.ok) {
    tried.push(parseGap(out, 'lastUpdateInstalledAt', parsed.error));
    return undefined;
  }
  return hotfixFacts(parsed.hotfixes, out.key);
}

function hotfixFacts(list: readonly Hotfix[], probe: string): Reading {
  // Newest first; undated entries last. ISO dates sort as text.
  const sorted = [...list].sort((a, b) => (b.installedOn ?? '').localeCompare(a.installedOn ?? ''));
  const newest = sorted[0]?.installedOn;
  return {
    facts: {
      installedUpdateCount: list.length,
      recentUpdates: recentList(sorted.map((h) => ({ id: h.id, ...(h.description ? { description: h.description } : {}), ...(h.installedOn ? { installedAt: h.installedOn } : {}) }))),
      ...(newest ? { lastUpdateInstalledAt: newest } : {}),
    },
    gaps: newest ? [] : [{ fact: 'lastUpdateInstalledAt', reason: 'parse-error', probe, detail: list.length === 0 ? 'no installed updates are listed' : 'no installed update has an install date' }],
  };
}

function pendingReading(out: ProbeOutput): Reading {
  const gap = probeGap(out, PENDING_FACTS[0] ?? '');
  if (gap) return { facts: {}, gaps: gapsFor(gap, PENDING_FACTS) };
  const parsed = parseWuPending(stdoutText(out));
  if (!parsed.ok) return { facts: {}, gaps: gapsFor(parseGap(out, '', parsed.error), PENDING_FACTS) };
  const u = parsed.updates;
  return {
    facts: {
      pendingUpdates: u.length,
      pendingSecurityUpdates: u.filter((x) => x.security).length,
      osUpdatePending: u.some((x) => x.os),
      pending: pendingList(u.map((x) => ({ name: x.title, security: x.security, os: x.os, restart: x.restart }))),
      ...(parsed.lastSearchAt ? { pendingCheckedAt: parsed.lastSearchAt } : {}),
    },
    gaps: [],
  };
}

/** `reg query` exits 0 when the key exists and 1 when it does not. */
function rebootReading(...outs: ProbeOutput[]): Reading {
  let unknown: Gap | undefined;
  for (const out of outs) {
    if (!out.error && out.exitCode === 0) return { facts: { rebootRequired: true }, gaps: [] };
    if (!out.error && out.exitCode === 1) {
      const permission = probeGap(out, 'rebootRequired');
      if (permission?.reason === 'permission') unknown ??= permission;
      continue;
    }
    unknown ??= probeGap(out, 'rebootRequired') ?? { fact: 'rebootRequired', reason: 'probe-failed', probe: out.key };
  }
  return unknown ? { facts: {}, gaps: [unknown] } : { facts: { rebootRequired: false }, gaps: [] };
}
