/**
 * macOS: FileVault from `fdesetup status`. FileVault encrypts the startup volume group,
 * whose Data volume (`/System/Volumes/Data`, macOS 10.15+) holds the user's files. When
 * fdesetup gives no reading, `mdmclient QuerySecurityInfo` is asked as a second source; its
 * `FDE_Enabled` cannot tell a finished encryption from one in progress, so it can prove
 * FileVault off but never, on its own, fully on.
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { DiskEncryptionFacts, Volume } from '../../../shared/facts/disk-encryption.js';
import { probeGap, stdoutText } from '../../probes/text.js';
import type { CollectContext, Observation } from '../types.js';
import { parseFdesetupStatus } from './parse-fdesetup-status.js';
import { parseMdmclientSecurityInfo } from './parse-mdmclient-security-info.js';

const SYSTEM_FACT = 'systemVolumeEncrypted';
const DATA_VOLUME = '/System/Volumes/Data';

/** Collects disk-encryption facts on macOS. */
export async function collectDarwin(ctx: CollectContext): Promise<Observation<DiskEncryptionFacts>> {
  const out = await ctx.probes.exec('darwin.fdesetup-status', 'fdesetup', ['status'], { timeoutMs: 5000 });
  let gap = probeGap(out, SYSTEM_FACT);
  if (!gap) {
    const fv = parseFdesetupStatus(stdoutText(out));
    if (fv.ok) {
      const volume: Volume = { mount: DATA_VOLUME, system: true, encrypted: fv.state === 'on', method: 'FileVault', state: fv.state };
      if (fv.state === 'encrypting' && fv.percentCompleted !== undefined) volume.percentEncrypted = fv.percentCompleted;
      const facts: DiskEncryptionFacts = { volumes: [volume], systemVolumeEncrypted: fv.state === 'on' };
      // The master keychain line appears only when one is installed; its absence is not read as "no key".
      if (fv.masterKeychain) facts.institutionalRecoveryKey = true;
      return { facts, gaps: [] };
    }
    gap = { fact: SYSTEM_FACT, reason: 'parse-error', probe: out.key, detail: fv.error };
  }
  return fromMdmclient(ctx, gap);
}

async function fromMdmclient(ctx: CollectContext, fdesetupGap: Gap): Promise<Observation<DiskEncryptionFacts>> {
  const out = await ctx.probes.exec('darwin.mdmclient-security-info', 'mdmclient', ['QuerySecurityInfo'], { timeoutMs: 10_000 });
  const gap = probeGap(out, 'institutionalRecoveryKey');
  const info = gap ? undefined : parseMdmclientSecurityInfo(stdoutText(out));
  if (!info?.ok) {
    const second: Gap = gap ?? { fact: 'institutionalRecoveryKey', reason: 'parse-error', probe: out.key, detail: info?.error ?? 'unrecognised output' };
    return { gaps: [fdesetupGap, second] };
  }
  const facts: DiskEncryptionFacts = { volumes: [] };
  const gaps: Gap[] = [];
  if (info.hasInstitutionalRecoveryKey !== undefined) facts.institutionalRecoveryKey = info.hasInstitutionalRecoveryKey;
  if (info.fdeEnabled === false) {
    const v: Volume = { mount: DATA_VOLUME, system: true, encrypted: false, method: 'FileVault' };
    if (info.hasPersonalRecoveryKey) v.protectors = ['PersonalRecoveryKey'];
    facts.volumes.push(v);
    facts.systemVolumeEncrypted = false;
    gaps.push({ ...fdesetupGap, fact: 'volumes.state' });
  } else {
    const said = info.fdeEnabled ? 'mdmclient reports FileVault enabled but not whether encryption has finished' : 'mdmclient does not report FDE_Enabled';
    gaps.push({ ...fdesetupGap, detail: `${fdesetupGap.detail ?? 'fdesetup status gave no reading'}; ${said}`.slice(0, 500) });
  }
  return { facts, gaps };
}
