/**
 * Linux local authenticators: FIDO security keys among the hidraw devices (their HID
 * report descriptor declares the FIDO usage page 0xF1D0) and a TPM 2.0 chip. Both come
 * from sysfs files, readable without root.
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { LocalAuthenticator, MfaFacts } from '../../../shared/facts/mfa.js';
import { probeGap, stdoutText } from '../../probes/text.js';
import type { CollectContext, Observation } from '../types.js';
import { addIdentityFacts } from './identity.js';
import { parseHidReportDescriptor, parseHidUevent, parseTpmVersionMajor } from './parse-hid.js';

const MAX_DEVICES = 16;
const FACT = 'localAuthenticators';

async function fidoKeys(ctx: CollectContext, gaps: Gap[]): Promise<LocalAuthenticator[]> {
  const dir = await ctx.probes.listDir('linux.hidraw', '/sys/class/hidraw');
  if (dir.error === 'not-found') return [];
  const dirGap = probeGap(dir, FACT, { allowEmpty: true });
  if (dirGap) {
    gaps.push(dirGap);
    return [];
  }
  const devices = stdoutText(dir).split('\n').filter((n) => /^hidraw\d{1,4}$/.test(n)).slice(0, MAX_DEVICES);
  const found = await Promise.all(
    devices.map(async (dev): Promise<LocalAuthenticator | undefined> => {
      const desc = await ctx.probes.readFile('linux.hidraw-report-descriptor', `/sys/class/hidraw/${dev}/device/report_descriptor`, { instance: dev });
      if (desc.error) {
        gaps.push(probeGap(desc, FACT) ?? { fact: FACT, reason: 'probe-failed', probe: desc.key });
        return undefined;
      }
      const parsed = parseHidReportDescriptor(desc.stdout);
      if (!parsed.ok) {
        gaps.push({ fact: FACT, reason: 'parse-error', probe: desc.key, detail: parsed.error });
        return undefined;
      }
      if (!parsed.fido) return undefined;
      const uevent = await ctx.probes.readFile('linux.hidraw-uevent', `/sys/class/hidraw/${dev}/device/uevent`, { instance: dev });
      const info = uevent.error ? undefined : parseHidUevent(stdoutText(uevent));
      const name = info?.ok && info.name ? info.name : 'FIDO security key';
      return { kind: 'roaming', name: name.slice(0, 128) };
    }),
  );
  return found.filter((a): a is LocalAuthenticator => !!a);
}

async function tpm(ctx: CollectContext, gaps: Gap[]): Promise<LocalAuthenticator[]> {
  const out = await ctx.probes.readFile('linux.tpm-version', '/sys/class/tpm/tpm0/tpm_version_major');
  if (out.error === 'not-found') return [];
  const gap = probeGap(out, FACT);
  if (gap) {
    gaps.push(gap);
    return [];
  }
  const parsed = parseTpmVersionMajor(stdoutText(out));
  if (!parsed.ok) {
    gaps.push({ fact: FACT, reason: 'parse-error', probe: out.key, detail: parsed.error });
    return [];
  }
  // TPM 1.2 cannot hold the P-256 keys that platform authenticators use.
  return parsed.major === 2 ? [{ kind: 'platform', name: 'TPM 2.0' }] : [];
}

/** Collects MFA facts on Linux. */
export async function collectLinuxMfa(ctx: CollectContext): Promise<Observation<MfaFacts>> {
  const gaps: Gap[] = [];
  const [keys, chips] = await Promise.all([fidoKeys(ctx, gaps), tpm(ctx, gaps)]);
  // A key exposes the FIDO usage page on one HID interface only, so one entry per key.
  const localAuthenticators = [...keys, ...chips].slice(0, 16);
  const facts: MfaFacts = { localAuthenticators };
  addIdentityFacts(ctx, facts, gaps);
  return { facts, gaps };
}
