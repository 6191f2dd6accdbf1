/** Helpers the os-patch collectors share: turning probe outputs and parse results into facts and gaps. */
import type { Gap } from '../../../shared/check-ids.js';
import type { InstalledUpdate, OsInfo, OsPatchFacts, PendingUpdate } from '../../../shared/facts/os-patch.js';
import { lookupVendorSupport } from '../../../shared/rules/os-support.js';
import { probeGap, stdoutText } from '../../probes/text.js';
import type { ProbeOutput } from '../../probes/types.js';
import { clip } from './parse-util.js';

/** Facts a package-manager reader adds to the OS facts. */
export type PatchReading = Partial<Omit<OsPatchFacts, 'os'>>;

export interface Reading {
  facts: PatchReading;
  gaps: Gap[];
}

/** A gap for a parser that did not recognise the probe's text. */
export function parseGap(out: ProbeOutput, fact: string, error: string): Gap {
  return { fact, reason: 'parse-error', probe: out.key, detail: clip(error, 500) };
}

/** The same gap for several facts one probe should have given. */
export function gapsFor(gap: Gap, facts: readonly string[]): Gap[] {
  return facts.map((fact) => ({ ...gap, fact }));
}

/**
 * The probe's text when it is usable, else the gap(s) saying why.
 * `opts` as for `probeGap` (e.g. dnf exits 100 when updates exist).
 */
export function usableText(
  out: ProbeOutput,
  facts: readonly string[],
  opts: { allowNonZeroExit?: boolean; allowEmpty?: boolean } = {},
): { text: string } | { gaps: Gap[] } {
  const gap = probeGap(out, facts[0] ?? '*', opts);
  if (gap) return { gaps: gapsFor(gap, facts) };
  return { text: stdoutText(out) };
}

/** Vendor support facts for `os`, or a gap saying why they are not known. */
export function supportReading(os: OsInfo, now: Date, supportEnd?: string): Reading {
  const s = lookupVendorSupport(os, now, supportEnd);
  if (!s.known) return { facts: {}, gaps: [{ fact: 'vendorSupported', reason: 'not-configured', detail: clip(s.why, 500) }] };
  return { facts: { vendorSupported: s.supported, ...(s.endsOn ? { supportEndsOn: s.endsOn } : {}) }, gaps: [] };
}

/** Schema-safe pending list: at most 50 entries, strings within their limits. */
export function pendingList(items: readonly PendingUpdate[]): PendingUpdate[] {
  return items.slice(0, 50).map((p) => ({ ...p, name: clip(p.name, 256), ...(p.version !== undefined ? { version: clip(p.version, 128) } : {}) }));
}

/** Schema-safe installed list: at most 50, newest first as given. */
export function recentList(items: readonly InstalledUpdate[]): InstalledUpdate[] {
  return items.slice(0, 50).map((u) => ({ ...u, id: clip(u.id, 256), ...(u.description !== undefined ? { description: clip(u.description, 256) } : {}) }));
}

/** Merges readings, later facts winning, gaps concatenated. */
export function mergeReadings(...readings: readonly Reading[]): Reading {
  const facts: PatchReading = {};
  const gaps: Gap[] = [];
  for (const r of readings) {
    Object.assign(facts, r.facts);
    gaps.push(...r.gaps);
  }
  return { facts, gaps };
}

/** Removes keys whose value is undefined (the facts schema rejects them). */
export function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** What one install-history source said: its newest upgrade and its oldest entry, or why it could not say. */
export type HistorySource = { lastUpgradeAt?: string; firstEntryAt?: string } | { gap: Gap };

/**
 * Combines history sources into `lastUpdateInstalledAt`. When the readable logs hold no
 * upgrade at all, `updateHistoryStartsAt` says since when none was recorded, and a gap says
 * the last update time is not known.
 */
export function historyReading(sources: readonly HistorySource[], what: string): Reading {
  const read = sources.filter((s): s is { lastUpgradeAt?: string; firstEntryAt?: string } => !('gap' in s));
  const failed = sources.filter((s): s is { gap: Gap } => 'gap' in s);
  const last = read.map((s) => s.lastUpgradeAt).filter((d): d is string => d !== undefined);
  if (last.length > 0) {
    return { facts: { lastUpdateInstalledAt: last.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a)) }, gaps: [] };
  }
  if (read.length === 0) {
    const first = failed[0]?.gap;
    return { facts: {}, gaps: first ? [{ ...first, fact: 'lastUpdateInstalledAt' }] : [{ fact: 'lastUpdateInstalledAt', reason: 'not-collected' }] };
  }
  const starts = read.map((s) => s.firstEntryAt).filter((d): d is string => d !== undefined);
  const since = starts.length > 0 ? starts.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a)) : undefined;
  return {
    facts: since ? { updateHistoryStartsAt: since } : {},
    gaps: [{ fact: 'lastUpdateInstalledAt', reason: 'not-collected', detail: clip(`no update recorded in ${what}${since ? ` (entries since ${since})` : ''}`, 500) }],
  };
}

/** A kernel package (an update of the OS itself, per the facts schema). */
export function isKernelPackage(name: string): boolean {
  return /^(linux-(image|modules)-|linux-(generic|image|signed|lts|zen|hardened|virt|edge)$|linux$|kernel(-core|-modules|-default|-uek)?$)/.test(name);
}

type LogParse = { ok: true; lastUpgradeAt?: string; firstEntryAt?: string } | { ok: false; error: string };

/**
 * One history source from a log file: missing or unreadable logs and unrecognised text
 * become gaps. Also returns the parse for callers that want more than the dates.
 */
export function readLog<T extends LogParse>(out: ProbeOutput, fact: string, parse: (text: string) => T): { source: HistorySource; parsed?: T } {
  const gap = probeGap(out, fact, { allowEmpty: true });
  if (gap) return { source: { gap } };
  const parsed = parse(stdoutText(out));
  if (!parsed.ok) return { source: { gap: parseGap(out, fact, parsed.error) }, parsed };
  return {
    source: { ...(parsed.lastUpgradeAt ? { lastUpgradeAt: parsed.lastUpgradeAt } : {}), ...(parsed.firstEntryAt ? { firstEntryAt: parsed.firstEntryAt } : {}) },
    parsed,
  };
}
