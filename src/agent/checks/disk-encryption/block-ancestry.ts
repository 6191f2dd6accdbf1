/**
 * Decides, from lsblk's device graph, whether the data of each block device reaches the
 * disk through dm-crypt. A filesystem is encrypted when EVERY path from it down to a disk
 * passes a `crypt` device (dm-crypt: LUKS1/2, plain, BitLocker/TCRYPT opened by cryptsetup),
 * at any depth: LUKS on LVM, LVM on LUKS, LUKS on md RAID. An LV spanning one encrypted and
 * one plain PV is NOT encrypted. When the graph cannot tell (no PKNAME, no TYPE and an
 * unexplained device-mapper node) the answer is left out, never guessed.
 *
 * Out of sight here, on purpose: self-encrypting drives (OPAL, needs sedutil), ZFS native
 * encryption and bcachefs (not dm-crypt; `/` on them is not in lsblk's mount list), and
 * fscrypt/eCryptfs home directories (per-directory, not per-device). Pure: no I/O.
 */

/** A block device with its encryption verdict. */
export interface BlockDevice {
  /** Path as lsblk prints it with `-p`: `/dev/mapper/luks-…`. */
  name: string;
  /** lsblk TYPE: `disk`, `part`, `crypt`, `lvm`, `raid1`, `loop`, `rom`… */
  type?: string;
  /** Filesystem or container signature: `ext4`, `crypto_LUKS`, `LVM2_member`. */
  fstype?: string;
  /** Where it is mounted (`[SWAP]` for active swap). */
  mountpoints: string[];
  /** Devices it sits on. */
  parents: string[];
  /**
   * Every path to the disk passes dm-crypt (true), some path does not (false); absent when
   * unknown. A LUKS container itself (`crypto_LUKS`) is false: what it holds is readable only
   * through its opened mapping, which is the device that counts.
   */
  encrypted?: boolean;
  /** The nearest dm-crypt mapping below it, when encrypted. */
  cryptDevice?: string;
  /** That mapping opens a LUKS container (its parent's FSTYPE is `crypto_LUKS`); absent when its parent is unknown. */
  luks?: boolean;
}

type Verdict = { v: 'enc'; crypt: string; luks?: boolean } | { v: 'plain' } | { v: 'unsure' };

/** Fills `encrypted`, `cryptDevice` and `luks` on each device (returns new objects). */
export function resolveEncryption(
  devices: ReadonlyArray<Omit<BlockDevice, 'encrypted' | 'cryptDevice' | 'luks'>>,
  opts: { hasType: boolean; hasParents: boolean },
): BlockDevice[] {
  const byName = new Map(devices.map((d) => [d.name, d]));
  const memo = new Map<string, Verdict>();

  const selfKind = (d: Omit<BlockDevice, 'encrypted'>): 'crypt' | 'not' | 'unsure' => {
    if (d.type !== undefined) return d.type === 'crypt' ? 'crypt' : 'not';
    if (opts.hasType) return 'unsure';
    // No TYPE column (`lsblk -fJp`): a device sitting on a crypto_* container is its
    // opened mapping; one on an LVM PV is an LV; any other device-mapper node could be a
    // plain dm-crypt mapping, which leaves no signature, so it stays unknown.
    const parentTypes = d.parents.map((p) => byName.get(p)?.fstype ?? '');
    if (parentTypes.some((t) => t.startsWith('crypto_'))) return 'crypt';
    if (parentTypes.length > 0 && parentTypes.every((t) => t === 'LVM2_member')) return 'not';
    return /^(\/dev\/)?(mapper\/|dm-)/.test(d.name) ? 'unsure' : 'not';
  };

  const verdict = (name: string, path: Set<string>): Verdict => {
    const cached = memo.get(name);
    if (cached) return cached;
    const d = byName.get(name);
    // A cycle or an absurdly deep stack (hostile input) cannot be judged.
    if (!d || path.has(name) || path.size > 64) return { v: 'unsure' };
    const self = selfKind(d);
    let out: Verdict;
    if (self === 'crypt') {
      out = { v: 'enc', crypt: d.name };
      // Without its parent we cannot see the LUKS header, so `luks` stays unknown.
      if (d.parents.length > 0) out.luks = d.parents.some((p) => byName.get(p)?.fstype === 'crypto_LUKS');
    } else if (!opts.hasParents) {
      out = { v: 'unsure' };
    } else if (d.parents.length === 0) {
      out = self === 'unsure' ? { v: 'unsure' } : { v: 'plain' };
    } else {
      const next = new Set(path).add(name);
      const below = d.parents.map((p) => verdict(p, next));
      const firstEnc = below.find((b) => b.v === 'enc');
      if (below.some((b) => b.v === 'plain')) out = self === 'unsure' ? { v: 'unsure' } : { v: 'plain' };
      else if (below.some((b) => b.v === 'unsure') || !firstEnc) out = { v: 'unsure' };
      else out = firstEnc;
    }
    memo.set(name, out);
    return out;
  };

  return devices.map((d) => {
    const v = verdict(d.name, new Set());
    const out: BlockDevice = { name: d.name, mountpoints: [...d.mountpoints], parents: [...d.parents] };
    if (d.type !== undefined) out.type = d.type;
    if (d.fstype !== undefined) out.fstype = d.fstype;
    if (v.v === 'enc') {
      out.encrypted = true;
      out.cryptDevice = v.crypt;
      if (v.luks !== undefined) out.luks = v.luks;
    } else if (v.v === 'plain') {
      out.encrypted = false;
    }
    return out;
  });
}
