/**
 * Windows firewall collector, three sources in order:
 * 1. `Get-NetFirewallProfile` through a fixed PowerShell script (locale-independent enum
 *    names as JSON; also the default inbound action and which profile is in use);
 * 2. the registry, when PowerShell cannot answer (or is not run: the watcher's cheap
 *    reading): each profile's `EnableFirewall` switch, Group Policy over local settings,
 *    read with two `reg query … /s /v EnableFirewall` runs. Locale-independent, so a
 *    German or French Windows still has a firewall reading between full attestations;
 * 3. `netsh advfirewall show allprofiles state` (English labels only: localised output
 *    stays unknown, never misread).
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { FirewallFacts } from '../../../shared/facts/firewall.js';
import { probeGap, stdoutText } from '../../probes/text.js';
import type { ProbeRunner } from '../../probes/types.js';
import type { CollectContext, Observation } from '../types.js';
import { readRegQuery } from '../windows-registry.js';
import { FIREWALL_PROFILES_SCRIPT, parseNetFirewallProfiles, parseNetshAllProfilesState, type ParsedWindowsFirewall } from './parse-windows-firewall.js';
import { enableFirewallQuery, FIREWALL_LOCAL_KEY, FIREWALL_POLICY_KEY, firewallSwitches, resolveFirewallSwitches } from './parse-windows-firewall-registry.js';

type Source = { ok: true; parsed: Extract<ParsedWindowsFirewall, { ok: true }> } | { ok: false; why: string };

/**
 * The registry reading. The local key always exists; the policy key usually does not
 * (reg exits 1 with nothing on stdout: no firewall policy, not a failure), and a policy key
 * without any `EnableFirewall` answers reg's zero-match trailer (no policy switch either).
 */
async function readRegistry(probes: ProbeRunner): Promise<Source> {
  const [local, policy] = await Promise.all([
    probes.exec('win32.reg-firewall', 'reg', enableFirewallQuery(FIREWALL_LOCAL_KEY)),
    probes.exec('win32.reg-firewall-policy', 'reg', enableFirewallQuery(FIREWALL_POLICY_KEY)),
  ]);
  const l = readRegQuery(local, 'enabled', { search: true });
  const p = readRegQuery(policy, 'enabled', { absentOk: true, search: true });
  const failed = l.gap ?? p.gap;
  if (failed) return { ok: false, why: `${failed.probe ?? ''} ${failed.detail ?? failed.reason}`.trim() };
  const s = firewallSwitches([...(l.keys ?? []), ...(p.keys ?? [])]);
  const parsed = s.ok ? resolveFirewallSwitches(s.switches) : s;
  return parsed.ok ? { ok: true, parsed } : { ok: false, why: parsed.error };
}

async function readNetsh(probes: ProbeRunner): Promise<Source> {
  const netsh = await probes.exec('win32.netsh-advfirewall', 'netsh', ['advfirewall', 'show', 'allprofiles', 'state']);
  const gap = probeGap(netsh, 'enabled');
  if (gap) return { ok: false, why: gap.detail ?? gap.reason };
  const parsed = parseNetshAllProfilesState(stdoutText(netsh));
  return parsed.ok ? { ok: true, parsed } : { ok: false, why: parsed.error };
}

/** Collects firewall facts on Windows. */
export async function collectWin32Firewall(ctx: CollectContext): Promise<Observation<FirewallFacts>> {
  const ps = await ctx.probes.exec('win32.get-netfirewallprofile', 'powershell', ['-NoProfile', '-NonInteractive', '-Command', FIREWALL_PROFILES_SCRIPT], { timeoutMs: 15_000 });
  const psGap = probeGap(ps, 'enabled');
  let parsed: ParsedWindowsFirewall | undefined = psGap ? undefined : parseNetFirewallProfiles(stdoutText(ps));
  let gap: Gap | undefined = psGap ?? (parsed && !parsed.ok ? { fact: 'enabled', reason: 'parse-error', probe: ps.key, detail: parsed.error } : undefined);

  if (!parsed?.ok) {
    const tried: string[] = [];
    for (const [label, read] of [
      ['registry', readRegistry],
      ['netsh', readNetsh],
    ] as const) {
      const source = await read(ctx.probes);
      if (source.ok) {
        parsed = source.parsed;
        gap = undefined;
        break;
      }
      tried.push(`${label} fallback: ${source.why}`);
    }
    if (gap) gap = { ...gap, detail: [gap.detail ?? gap.reason, ...tried].join('; ').slice(0, 500) };
  }
  if (!parsed?.ok) return { facts: { profiles: [] }, gaps: gap ? [gap] : [] };

  const profiles = parsed.profiles.slice(0, 16).map((p) => ({
    name: p.name,
    enabled: p.enabled,
    // NotConfigured falls back to Windows' default inbound action, Block.
    ...(p.defaultInboundAction ? { defaultInboundBlocked: p.defaultInboundAction !== 'Allow' } : {}),
    ...(p.active !== undefined ? { active: p.active } : {}),
  }));
  return { facts: { profiles, enabled: profiles.some((p) => p.enabled) }, gaps: [] };
}
