/**
 * Windows firewall collector: `Get-NetFirewallProfile` through a fixed PowerShell script
 * (locale-independent enum names as JSON), with `netsh advfirewall show allprofiles state`
 * as the fallback (English labels only: localised output stays unknown, never misread).
 */
import type { FirewallFacts } from '../../../shared/facts/firewall.js';
import { probeGap, stdoutText } from '../../probes/text.js';
import type { CollectContext, Observation } from '../types.js';
import { FIREWALL_PROFILES_SCRIPT, parseNetFirewallProfiles, parseNetshAllProfilesState, type ParsedWindowsFirewall } from './parse-windows-firewall.js';

/** Collects firewall facts on Windows. */
export async function collectWin32Firewall(ctx: CollectContext): Promise<Observation<FirewallFacts>> {
  const ps = await ctx.probes.exec('win32.get-netfirewallprofile', 'powershell', ['-NoProfile', '-NonInteractive', '-Command', FIREWALL_PROFILES_SCRIPT], { timeoutMs: 15_000 });
  const psGap = probeGap(ps, 'enabled');
  let parsed: ParsedWindowsFirewall | undefined = psGap ? undefined : parseNetFirewallProfiles(stdoutText(ps));
  let gap = psGap ?? (parsed && !parsed.ok ? { fact: 'enabled', reason: 'parse-error' as const, probe: ps.key, detail: parsed.error } : undefined);

  if (!parsed?.ok) {
    const netsh = await ctx.probes.exec('win32.netsh-advfirewall', 'netsh', ['advfirewall', 'show', 'allprofiles', 'state']);
    const netshGap = probeGap(netsh, 'enabled');
    const fb = netshGap ? undefined : parseNetshAllProfilesState(stdoutText(netsh));
    if (fb?.ok) {
      parsed = fb;
      gap = undefined;
    } else if (gap) {
      const why = netshGap?.detail ?? netshGap?.reason ?? (fb && !fb.ok ? fb.error : 'unrecognised');
      gap = { ...gap, detail: `${gap.detail ?? gap.reason}; netsh fallback: ${why}`.slice(0, 500) };
    }
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
