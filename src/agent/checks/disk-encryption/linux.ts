/**
 * Linux: which mounted filesystems reach their disk through dm-crypt (LUKS or plain), read
 * from `lsblk`'s device tree, with `/proc/mounts` to explain a `/` lsblk cannot see (a
 * container's overlay, a ZFS or network root) and `cryptsetup status` for the LUKS version
 * of the system volume's mapping. The system volumes are `/` and, when separate, `/home`.
 * One `lsblk` run (plus a few ms of `cryptsetup` per encrypted system mapping, when installed).
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { DiskEncryptionFacts, Volume } from '../../../shared/facts/disk-encryption.js';
import { probeGap, stderrText, stdoutText } from '../../probes/text.js';
import type { ProbeOutput, ProbeRunner } from '../../probes/types.js';
import type { CollectContext, Observation } from '../types.js';
import type { BlockDevice } from './block-ancestry.js';
import { parseCryptsetupStatus } from './parse-cryptsetup-status.js';
import { parseLsblkJson, parseLsblkPairs, type ParsedLsblk } from './parse-lsblk.js';
import { parseProcMounts, rootMount, type MountEntry } from './parse-proc-mounts.js';

const SYSTEM_FACT = 'systemVolumeEncrypted';
const MAX_VOLUMES = 64;

/** util-linux ≥ 2.37 has MOUNTPOINTS; 2.27–2.36 only MOUNTPOINT; older has no JSON at all. */
const LSBLK_ATTEMPTS = [
  { probe: 'linux.lsblk', args: ['-J', '-p', '-o', 'NAME,TYPE,FSTYPE,MOUNTPOINTS,PKNAME'], parse: parseLsblkJson },
  { probe: 'linux.lsblk-mountpoint', args: ['-J', '-p', '-o', 'NAME,TYPE,FSTYPE,MOUNTPOINT,PKNAME'], parse: parseLsblkJson },
  { probe: 'linux.lsblk-pairs', args: ['-P', '-p', '-o', 'NAME,TYPE,FSTYPE,MOUNTPOINT,PKNAME'], parse: parseLsblkPairs },
] as const;

/** Collects disk-encryption facts on Linux. */
export async function collectLinux(ctx: CollectContext): Promise<Observation<DiskEncryptionFacts>> {
  const [blk, mountsOut] = await Promise.all([readLsblk(ctx.probes), ctx.probes.readFile('linux.proc-mounts', '/proc/mounts')]);
  if (!blk.ok) return { gaps: [blk.gap] };
  const gaps: Gap[] = [];
  const root = readRootMount(mountsOut);

  const mounted = blk.parsed.devices.filter((d) => d.mountpoints.some((m) => m.startsWith('/')));
  let rootDev = mounted.find((d) => d.mountpoints.includes('/'));
  // lsblk without mount points (pairs form on old systems): find `/`'s device by name.
  if (!rootDev && root.entry?.source.startsWith('/dev/')) rootDev = blk.parsed.devices.find((d) => d.name === root.entry?.source);
  const homeDev = mounted.find((d) => d.mountpoints.includes('/home') && d !== rootDev);
  const systemDevs = [rootDev, homeDev].filter((d): d is BlockDevice => d !== undefined);

  const methods = await cryptMethods(ctx.probes, systemDevs, gaps);
  const candidates = [...systemDevs, ...mounted.filter((d) => !systemDevs.includes(d) && d.type !== 'loop' && d.type !== 'rom')];
  const volumes: Volume[] = [];
  const unsure: string[] = [];
  for (const d of candidates) {
    if (d.encrypted === undefined) {
      unsure.push(d.name);
      continue;
    }
    const v: Volume = { mount: preferredMount(d, d === rootDev), device: d.name, system: systemDevs.includes(d), encrypted: d.encrypted, state: d.encrypted ? 'on' : 'off' };
    if (d.encrypted) v.method = (d.cryptDevice && methods.get(d.cryptDevice)) ?? (d.luks ? 'LUKS' : 'dm-crypt');
    volumes.push(v);
  }
  if (unsure.length > 0) {
    gaps.push({ fact: 'volumes', reason: 'parse-error', probe: blk.probe, detail: `lsblk does not show what ${unsure.slice(0, 5).join(', ')} sit(s) on` });
  }

  const facts: DiskEncryptionFacts = { volumes: volumes.slice(0, MAX_VOLUMES) };
  if (!rootDev) {
    gaps.unshift(rootNotFoundGap(blk.parsed, root, blk.probe));
  } else if (systemDevs.some((d) => d.encrypted === undefined)) {
    gaps.unshift({ fact: SYSTEM_FACT, reason: 'parse-error', probe: blk.probe, detail: 'lsblk does not show which devices the system volume sits on' });
  } else {
    facts.systemVolumeEncrypted = systemDevs.every((d) => d.encrypted === true);
  }
  return { facts, gaps };
}

type LsblkRead = { ok: true; parsed: Extract<ParsedLsblk, { ok: true }>; probe: string } | { ok: false; gap: Gap };

async function readLsblk(probes: ProbeRunner): Promise<LsblkRead> {
  let last: Gap | undefined;
  for (const a of LSBLK_ATTEMPTS) {
    const out = await probes.exec(a.probe, 'lsblk', a.args, { timeoutMs: 5000 });
    const gap = probeGap(out, SYSTEM_FACT);
    if (!gap) {
      const parsed = a.parse(stdoutText(out));
      if (parsed.ok) return { ok: true, parsed, probe: out.key };
      return { ok: false, gap: { fact: SYSTEM_FACT, reason: 'parse-error', probe: out.key, detail: parsed.error } };
    }
    last = gap;
    // Only an older lsblk refusing the column or the option is worth another try.
    const unsupported = out.error === undefined && /unknown column|invalid option|unrecognized option/i.test(stderrText(out));
    if (!unsupported) break;
  }
  return { ok: false, gap: last ?? { fact: SYSTEM_FACT, reason: 'internal-error' } };
}

function readRootMount(out: ProbeOutput): { entry?: MountEntry; problem?: string } {
  const gap = probeGap(out, SYSTEM_FACT);
  if (gap) return { problem: `/proc/mounts: ${gap.reason}` };
  const parsed = parseProcMounts(stdoutText(out));
  if (!parsed.ok) return { problem: `/proc/mounts: ${parsed.error}` };
  const entry = rootMount(parsed.mounts);
  return entry ? { entry } : { problem: '/proc/mounts has no entry for /' };
}

function rootNotFoundGap(parsed: Extract<ParsedLsblk, { ok: true }>, root: { entry?: MountEntry; problem?: string }, probe: string): Gap {
  const e = root.entry;
  const why = !parsed.hasMountpoints
    ? 'lsblk printed no mount points'
    : e
      ? `/ is ${e.fstype} from "${e.source.slice(0, 120)}" (a container, ZFS or network root?), not a block device lsblk lists, so the disk under it cannot be seen from here`
      : `lsblk lists no device mounted at / (${root.problem ?? 'no further detail'})`;
  // No UnknownReason says "not observable from here"; probe-failed is the closest honest one.
  return { fact: SYSTEM_FACT, reason: 'probe-failed', probe, detail: why.slice(0, 500) };
}

/** `LUKS2`/`LUKS1`/`PLAIN` per crypt mapping under a system volume, from `cryptsetup status`. */
async function cryptMethods(probes: ProbeRunner, systemDevs: readonly BlockDevice[], gaps: Gap[]): Promise<Map<string, string>> {
  const mappings = [...new Set(systemDevs.map((d) => d.cryptDevice).filter((c): c is string => !!c))];
  const found = new Map<string, string>();
  await Promise.all(
    mappings.map(async (mapping) => {
      // Names come from lsblk: never pass one that could read as an option.
      if (!/^\/dev\/(mapper\/)?[A-Za-z0-9][\w.+:@-]{0,127}$/.test(mapping)) return;
      const base = mapping.slice(mapping.lastIndexOf('/') + 1);
      const out = await probes.exec('linux.cryptsetup-status', 'cryptsetup', ['status', mapping], { instance: base, timeoutMs: 3000 });
      const fact = 'volumes.method';
      if (out.error) {
        const g = probeGap(out, fact);
        if (g) gaps.push(g);
        return;
      }
      const text = `${stdoutText(out)}\n${stderrText(out)}`;
      if (/non-root|permission denied|operation not permitted/i.test(text)) {
        gaps.push({ fact, reason: 'permission', probe: out.key, detail: 'cryptsetup status needs root; the LUKS version is not known' });
        return;
      }
      const parsed = parseCryptsetupStatus(text);
      if (!parsed.ok) gaps.push({ fact, reason: 'parse-error', probe: out.key, detail: parsed.error });
      else if (parsed.state !== 'active' || parsed.mapping.slice(parsed.mapping.lastIndexOf('/') + 1) !== base) {
        gaps.push({ fact, reason: 'probe-failed', probe: out.key, detail: `cryptsetup does not report ${mapping} as an active mapping` });
      } else if (parsed.type) found.set(mapping, parsed.type);
    }),
  );
  return found;
}

function preferredMount(d: BlockDevice, isRoot: boolean): string {
  if (isRoot) return '/';
  const paths = d.mountpoints.filter((m) => m.startsWith('/'));
  if (paths.includes('/home')) return '/home';
  return ([...paths].sort((a, b) => a.length - b.length || a.localeCompare(b))[0] ?? '').slice(0, 512);
}
