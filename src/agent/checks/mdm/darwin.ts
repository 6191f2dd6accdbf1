/**
 * macOS MDM collector: `profiles status -type enrollment`, with `mdmclient
 * QueryInstalledProfiles` (a `com.apple.mdm` payload among the device profiles) as the
 * fallback when `profiles` cannot answer.
 */
import type { MdmFacts } from '../../../shared/facts/mdm.js';
import { probeGap, stdoutText } from '../../probes/text.js';
import type { CollectContext, Observation } from '../types.js';
import { parseMdmclientInstalledProfiles } from './parse-mdmclient.js';
import { parseProfilesEnrollment } from './parse-profiles.js';
import { providerFromUrl } from './providers.js';

/** Collects MDM facts on macOS. */
export async function collectDarwinMdm(ctx: CollectContext): Promise<Observation<MdmFacts>> {
  const out = await ctx.probes.exec('darwin.profiles-enrollment', 'profiles', ['status', '-type', 'enrollment']);
  const gap = probeGap(out, 'enrolled');
  const parsed = gap ? undefined : parseProfilesEnrollment(stdoutText(out));
  if (parsed?.ok) {
    const facts: MdmFacts = { enrolled: parsed.mdmEnrolled, enrolledViaDep: parsed.enrolledViaDep };
    if (parsed.userApproved !== undefined) facts.userApproved = parsed.userApproved;
    if (parsed.serverUrl) facts.serverUrl = parsed.serverUrl;
    const provider = providerFromUrl(parsed.serverUrl);
    if (provider) facts.provider = provider;
    return { facts, gaps: [] };
  }
  const first = gap ?? { fact: 'enrolled', reason: 'parse-error' as const, probe: out.key, detail: parsed && !parsed.ok ? parsed.error : 'unrecognised' };

  const fb = await ctx.probes.exec('darwin.mdmclient-installed-profiles', 'mdmclient', ['QueryInstalledProfiles']);
  const fbGap = probeGap(fb, 'enrolled');
  const profiles = fbGap ? undefined : parseMdmclientInstalledProfiles(stdoutText(fb));
  if (profiles?.ok) return { facts: { enrolled: profiles.mdmPayload }, gaps: [] };
  const why = fbGap?.detail ?? fbGap?.reason ?? (profiles && !profiles.ok ? profiles.error : 'unrecognised');
  return { facts: {}, gaps: [{ ...first, detail: `${first.detail ?? first.reason}; mdmclient fallback: ${why}`.slice(0, 500) }] };
}
