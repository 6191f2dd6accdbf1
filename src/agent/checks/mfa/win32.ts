/**
 * Windows local authenticators: Windows Hello for Business, whose key for the signed-in
 * user dsregcmd reports as `NgcSet` (User State section). Shares the mdm check's
 * `win32.dsregcmd-status` probe, which runs once per collection.
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { LocalAuthenticator, MfaFacts } from '../../../shared/facts/mfa.js';
import { probeGap, stdoutText } from '../../probes/text.js';
import type { CollectContext, Observation } from '../types.js';
import { addIdentityFacts } from './identity.js';
import { parseWindowsHello } from './parse-windows-hello.js';

const FACT = 'localAuthenticators';

/** Collects MFA facts on Windows. */
export async function collectWin32Mfa(ctx: CollectContext): Promise<Observation<MfaFacts>> {
  const out = await ctx.probes.exec('win32.dsregcmd-status', 'dsregcmd', ['/status'], { timeoutMs: 15_000 });
  const gaps: Gap[] = [];
  const localAuthenticators: LocalAuthenticator[] = [];
  const gap = probeGap(out, FACT);
  const parsed = gap ? undefined : parseWindowsHello(stdoutText(out));
  if (parsed?.ok) {
    const ngc = parsed.ngcSet;
    if (ngc !== undefined) localAuthenticators.push({ kind: 'platform', name: 'Windows Hello for Business', enrolled: ngc });
    else gaps.push({ fact: FACT, reason: 'parse-error', probe: out.key, detail: 'dsregcmd printed no NgcSet YES/NO' });
  } else {
    gaps.push(gap ?? { fact: FACT, reason: 'parse-error', probe: out.key, detail: parsed && !parsed.ok ? parsed.error : 'unrecognised' });
  }
  const facts: MfaFacts = { localAuthenticators };
  addIdentityFacts(ctx, facts, gaps);
  return { facts, gaps };
}
