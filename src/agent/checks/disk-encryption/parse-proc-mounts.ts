/** Parser for `/proc/mounts` (same format as `/etc/mtab`). Pure: no I/O. */
import { isBinary, lines, unrecognised, type Unrecognised } from './parse-util.js';

export interface MountEntry {
  /** `/dev/vda`, `overlay`, `rpool/ROOT/ubuntu`, `server:/export`. */
  source: string;
  mount: string;
  fstype: string;
}

export type ParsedProcMounts = { ok: true; mounts: MountEntry[] } | Unrecognised;

const MAX_MOUNTS = 10_000;

/**
 * Parses `/proc/mounts`:
 * ```
 * overlay / overlay rw,relatime,lowerdir=/var/lib/docker/overlay2/l/…,upperdir=… 0 0
 * /dev/mapper/vg-root / ext4 rw,relatime 0 0
 * ```
 * Octal escapes (`\040` for a space) are decoded. Lines that are not
 * `source mountpoint fstype options dump pass` make the whole input unrecognised.
 */
export function parseProcMounts(text: string): ParsedProcMounts {
  if (isBinary(text)) return unrecognised('output is not text');
  const mounts: MountEntry[] = [];
  for (const raw of lines(text)) {
    if (raw.trim() === '') continue;
    const f = raw.trim().split(/\s+/);
    if (f.length !== 6 || !/^\d+$/.test(f[4] as string) || !/^\d+$/.test(f[5] as string)) {
      return unrecognised(`not a mounts line: ${raw.slice(0, 80)}`);
    }
    if (mounts.length >= MAX_MOUNTS) return unrecognised('too many mounts');
    mounts.push({ source: unescapeOctal(f[0] as string), mount: unescapeOctal(f[1] as string), fstype: f[2] as string });
  }
  return mounts.length > 0 ? { ok: true, mounts } : unrecognised('empty output');
}

/** The filesystem visible at `/`: the last mount there wins (mounts stack). */
export function rootMount(mounts: readonly MountEntry[]): MountEntry | undefined {
  return mounts.filter((m) => m.mount === '/').at(-1);
}

function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}
