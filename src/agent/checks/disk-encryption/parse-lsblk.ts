/**
 * Parsers for `lsblk` (util-linux): the JSON tree (`-J`) and the `KEY="value"` pairs form
 * (`-P`). Both return the same flat device list, and for each device whether the data on it
 * passes through dm-crypt on its way to the disk (see `block-ancestry.ts`). Pure: no I/O.
 */
import { resolveEncryption, type BlockDevice } from './block-ancestry.js';
import { isBinary, lines, unrecognised, type Unrecognised } from './parse-util.js';

export type { BlockDevice } from './block-ancestry.js';

export type ParsedLsblk =
  | {
      ok: true;
      format: 'json' | 'pairs';
      /** The TYPE column was present (`crypt`, `lvm`, `part`…). */
      hasType: boolean;
      /** A MOUNTPOINT(S) column was present. */
      hasMountpoints: boolean;
      /** Parents are known (JSON tree or PKNAME column). */
      hasParents: boolean;
      devices: BlockDevice[];
    }
  | Unrecognised;

const MAX_DEVICES = 4096;
const MAX_DEPTH = 32;

interface Builder {
  name: string;
  type?: string;
  fstype?: string;
  mountpoints: string[];
  parents: string[];
}

/**
 * Parses `lsblk -J -p -o NAME,TYPE,FSTYPE,MOUNTPOINTS,PKNAME` and the older
 * `-o …,MOUNTPOINT` and `-fJp` forms:
 * ```
 * {"blockdevices": [{"name": "/dev/sda", "type": "disk", "fstype": null, "mountpoints": [null],
 *   "children": [{"name": "/dev/sda3", "type": "part", "fstype": "crypto_LUKS", "mountpoints": [null],
 *     "children": [{"name": "/dev/mapper/root", "type": "crypt", "fstype": "ext4", "mountpoints": ["/"]}]}]}]}
 * ```
 * A device listed under several parents (an LV spanning two PVs) is merged into one entry
 * with every parent. Returns `{ ok: false }` for anything that is not such a tree. Never throws.
 */
export function parseLsblkJson(text: string): ParsedLsblk {
  if (isBinary(text)) return unrecognised('output is not text');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return unrecognised('output is not JSON');
  }
  if (!isObject(doc) || !Array.isArray(doc.blockdevices)) return unrecognised('no "blockdevices" array');
  const byName = new Map<string, Builder>();
  const seen = { type: false, mountpoints: false, count: 0 };

  const walk = (node: unknown, parent: string | undefined, depth: number): string | undefined => {
    if (depth > MAX_DEPTH) return 'device tree too deep';
    if (++seen.count > MAX_DEVICES) return 'too many devices';
    if (!isObject(node)) return 'a device is not an object';
    const name = node.name;
    if (typeof name !== 'string' || name === '' || name.length > 512) return 'a device has no name';
    const b = byName.get(name) ?? { name, mountpoints: [], parents: [] };
    byName.set(name, b);
    if ('type' in node) seen.type = true;
    if (typeof node.type === 'string' && node.type !== '') b.type = node.type;
    if (typeof node.fstype === 'string' && node.fstype !== '') b.fstype = node.fstype;
    if ('mountpoints' in node || 'mountpoint' in node) seen.mountpoints = true;
    const mounts = Array.isArray(node.mountpoints) ? node.mountpoints : [node.mountpoint];
    for (const m of mounts) if (typeof m === 'string' && m !== '' && !b.mountpoints.includes(m)) b.mountpoints.push(m);
    for (const p of [parent, typeof node.pkname === 'string' ? node.pkname : undefined]) {
      if (p && p !== name && !b.parents.includes(p)) b.parents.push(p);
    }
    if (node.children !== undefined && node.children !== null) {
      if (!Array.isArray(node.children)) return 'children is not an array';
      for (const c of node.children) {
        const err = walk(c, name, depth + 1);
        if (err) return err;
      }
    }
    return undefined;
  };

  for (const top of doc.blockdevices) {
    const err = walk(top, undefined, 0);
    if (err) return unrecognised(err);
  }
  const devices = [...byName.values()];
  return {
    ok: true,
    format: 'json',
    hasType: seen.type,
    hasMountpoints: seen.mountpoints,
    hasParents: true,
    devices: resolveEncryption(devices, { hasType: seen.type, hasParents: true }),
  };
}

/**
 * Parses `lsblk -P -p -o NAME,TYPE,FSTYPE,MOUNTPOINT,PKNAME` (any columns; unknown ones are
 * ignored), the form util-linux older than 2.27 supports:
 * ```
 * NAME="/dev/sdc3" MODEL="" TYPE="part" FSTYPE="crypto_LUKS" LABEL="" UUID="3151…"
 * NAME="/dev/mapper/luks-3151…" MODEL="" TYPE="crypt" FSTYPE="btrfs" LABEL="rockstor_rockstor"
 * ```
 * Values escape unsafe bytes as `\xNN`. Without PKNAME the parents are unknown, so only a
 * `crypt` device itself is known to be encrypted. Returns `{ ok: false }` when any non-empty
 * line is not a list of pairs with a NAME. Never throws.
 */
export function parseLsblkPairs(text: string): ParsedLsblk {
  if (isBinary(text)) return unrecognised('output is not text');
  const rows: Record<string, string>[] = [];
  for (const raw of lines(text)) {
    if (raw.trim() === '') continue;
    if (rows.length >= MAX_DEVICES) return unrecognised('too many devices');
    const row = parsePairLine(raw);
    if (!row) return unrecognised(`not a KEY="value" line: ${raw.slice(0, 80)}`);
    rows.push(row);
  }
  if (rows.length === 0) return unrecognised('empty output');
  const has = (k: string): boolean => rows.some((r) => k in r);
  const hasType = has('TYPE');
  const hasParents = has('PKNAME');
  const byName = new Map<string, Builder>();
  for (const r of rows) {
    const name = r.NAME;
    if (!name) return unrecognised('a row has no NAME');
    const b = byName.get(name) ?? { name, mountpoints: [], parents: [] };
    byName.set(name, b);
    if (r.TYPE) b.type = r.TYPE;
    if (r.FSTYPE) b.fstype = r.FSTYPE;
    for (const m of [...(r.MOUNTPOINTS ?? '').split('\n'), r.MOUNTPOINT ?? '']) {
      if (m !== '' && !b.mountpoints.includes(m)) b.mountpoints.push(m);
    }
    if (r.PKNAME && r.PKNAME !== name && !b.parents.includes(r.PKNAME)) b.parents.push(r.PKNAME);
  }
  return {
    ok: true,
    format: 'pairs',
    hasType,
    hasMountpoints: has('MOUNTPOINT') || has('MOUNTPOINTS'),
    hasParents,
    devices: resolveEncryption([...byName.values()], { hasType, hasParents }),
  };
}

function parsePairLine(line: string): Record<string, string> | undefined {
  const row: Record<string, string> = {};
  const re = /\s*([A-Z][A-Z0-9_:%.-]*)="([^"]*)"/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(line)) !== null) {
    row[m[1] as string] = unescapeLsblk(m[2] as string);
    end = re.lastIndex;
  }
  if (end === 0 || line.slice(end).trim() !== '') return undefined;
  return row;
}

/** lsblk writes unsafe bytes as `\xNN`; these are UTF-8 bytes. */
function unescapeLsblk(v: string): string {
  if (!v.includes('\\x')) return v;
  const bytes: number[] = [];
  for (const part of v.split(/(\\x[0-9a-fA-F]{2})/)) {
    if (/^\\x[0-9a-fA-F]{2}$/.test(part)) bytes.push(parseInt(part.slice(2), 16));
    else bytes.push(...new TextEncoder().encode(part));
  }
  return new TextDecoder('utf-8').decode(new Uint8Array(bytes));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
