/** macOS local authenticators: Touch ID, from `bioutil -r` (unlock setting) and `bioutil -c` (fingerprints). */
import type { Gap } from '../../../shared/check-ids.js';
import type { LocalAuthenticator, MfaFacts } from '../../../shared/facts/mfa.js';
import { probeGap, stdoutText } from '../../probes/text.js';
import type { CollectContext, Observation } from '../types.js';
import { addIdentityFacts } from './identity.js';
import { parseBioutilConfig, parseBioutilCount } from './parse-bioutil.js';

const FACT = 'localAuthenticators';

/** Collects MFA facts on macOS. */
export async function collectDarwinMfa(ctx: CollectContext): Promise<Observation<MfaFacts>> {
  const [config, count] = await Promise.all([
    ctx.probes.exec('darwin.bioutil-config', 'bioutil', ['-r']),
    ctx.probes.exec('darwin.bioutil-count', 'bioutil', ['-c']),
  ]);
  const gaps: Gap[] = [];
  const localAuthenticators: LocalAuthenticator[] = [];

  // A Mac without the sensor may answer with a non-zero exit; read the text first.
  const cfg = config.error ? undefined : parseBioutilConfig(stdoutText(config));
  if (cfg?.ok) {
    if (cfg.hardware) {
      const touchId: LocalAuthenticator = { kind: 'platform', name: 'Touch ID' };
      const cntGap = probeGap(count, FACT);
      const cnt = cntGap ? undefined : parseBioutilCount(stdoutText(count));
      if (cnt?.ok) touchId.enrolled = cnt.templates > 0 && cfg.effectiveUnlock !== false;
      else gaps.push(cntGap ?? { fact: FACT, reason: 'parse-error', probe: count.key, detail: cnt && !cnt.ok ? cnt.error : 'unrecognised' });
      localAuthenticators.push(touchId);
    }
  } else {
    gaps.push(probeGap(config, FACT) ?? { fact: FACT, reason: 'parse-error', probe: config.key, detail: cfg && !cfg.ok ? cfg.error : 'unrecognised' });
  }
  const facts: MfaFacts = { localAuthenticators };
  addIdentityFacts(ctx, facts, gaps);
  return { facts, gaps };
}
