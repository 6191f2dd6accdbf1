/**
 * macOS firewall collector: the Application Firewall's own CLI, `socketfilterfw`, with
 * `mdmclient QuerySecurityInfo` (the MDM SecurityInfo answer) as a fallback when the CLI
 * cannot answer. `--listapps` adds how many apps may accept incoming connections.
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { FirewallFacts, FirewallProfile } from '../../../shared/facts/firewall.js';
import { parseMdmclientSecurityInfo } from '../mdm/parse-mdmclient.js';
import { probeGap, stdoutText } from '../../probes/text.js';
import type { CollectContext, Observation } from '../types.js';
import { parseSocketfilterfwApps, parseSocketfilterfwState } from './parse-socketfilterfw.js';

const GETTERS = ['--getglobalstate', '--getblockall', '--getallowsigned', '--getstealthmode', '--getloggingmode', '--getloggingopt'];

/** Collects firewall facts on macOS. */
export async function collectDarwinFirewall(ctx: CollectContext): Promise<Observation<FirewallFacts>> {
  const [state, apps] = await Promise.all([
    ctx.probes.exec('darwin.socketfilterfw', 'socketfilterfw', GETTERS),
    ctx.probes.exec('darwin.socketfilterfw-listapps', 'socketfilterfw', ['--listapps']),
  ]);
  const gaps: Gap[] = [];
  let profile: FirewallProfile | undefined;

  const stateGap = probeGap(state, 'enabled');
  const parsed = stateGap ? undefined : parseSocketfilterfwState(stdoutText(state));
  if (parsed?.ok) {
    profile = { name: 'socketfilterfw', enabled: parsed.enabled };
    if (parsed.blockAll !== undefined) profile.blockAllIncoming = parsed.blockAll;
    if (parsed.stealthMode !== undefined) profile.stealthMode = parsed.stealthMode;
    if (parsed.blockAll !== undefined) profile.defaultInboundBlocked = parsed.enabled && parsed.blockAll;
  } else {
    const firstGap: Gap = stateGap ?? { fact: 'enabled', reason: 'parse-error', probe: state.key, detail: parsed && !parsed.ok ? parsed.error : 'unrecognised' };
    const fallback = await ctx.probes.exec('darwin.mdmclient-security-info', 'mdmclient', ['QuerySecurityInfo']);
    const fbGap = probeGap(fallback, 'enabled');
    const fb = fbGap ? undefined : parseMdmclientSecurityInfo(stdoutText(fallback));
    if (fb?.ok && fb.firewallEnabled !== undefined) {
      profile = { name: 'socketfilterfw', enabled: fb.firewallEnabled };
      if (fb.blockAllIncoming !== undefined) profile.blockAllIncoming = fb.blockAllIncoming;
      if (fb.stealthMode !== undefined) profile.stealthMode = fb.stealthMode;
      if (fb.blockAllIncoming !== undefined) profile.defaultInboundBlocked = fb.firewallEnabled && fb.blockAllIncoming;
    } else {
      gaps.push(firstGap);
      // The CLI's gap explains the unknown; the fallback's failure is kept only as detail.
      const fbWhy = fbGap?.detail ?? fbGap?.reason ?? (fb && !fb.ok ? fb.error : 'no FirewallSettings');
      firstGap.detail = `${firstGap.detail ?? firstGap.reason}; mdmclient fallback: ${fbWhy}`.slice(0, 500);
    }
  }

  const facts: FirewallFacts = { profiles: profile ? [profile] : [] };
  if (profile) facts.enabled = profile.enabled;

  const appsGap = probeGap(apps, 'appsAllowedIncoming');
  const appList = appsGap ? undefined : parseSocketfilterfwApps(stdoutText(apps));
  if (appList?.ok) facts.appsAllowedIncoming = appList.apps.filter((a) => a.allowIncoming === true).length;
  else gaps.push(appsGap ?? { fact: 'appsAllowedIncoming', reason: 'parse-error', probe: apps.key, detail: appList && !appList.ok ? appList.error : 'unrecognised' });

  return { facts, gaps };
}
