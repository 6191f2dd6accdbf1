/**
 * Finds installed EDR products by their install directories, listing each parent
 * directory once (`/opt`, `/Applications`, `C:\Program Files`, …) and a second level only
 * when the first shows the vendor folder. Cheap: a handful of readdir calls, no spawns.
 */
import type { Gap, Platform } from '../../../shared/check-ids.js';
import { EDR_PRODUCT_IDS, type EdrProductId } from '../../../shared/facts/edr.js';
import { reasonForProbeError, stdoutText } from '../../probes/text.js';
import type { ProbeRunner } from '../../probes/types.js';
import { PRODUCT_SIGNATURES } from './products.js';

export interface InstallScan {
  /** Product → key of the directory probe that showed it. */
  installed: Map<EdrProductId, string>;
  /** Directories that could not be listed (fact `install-locations`). */
  gaps: Gap[];
}

type Listing = { names: Set<string>; key: string } | { names: undefined; key: string };

/** Probe id of the directory listings: `<platform>.install-dir#<directory>`. */
export function installDirProbe(platform: Platform): string {
  return `${platform}.install-dir`;
}

/** Looks for every product's install locations on `platform`; never throws. */
export async function findInstalled(probes: ProbeRunner, platform: Platform): Promise<InstallScan> {
  const sep = platform === 'win32' ? '\\' : '/';
  const fold = (s: string): string => (platform === 'linux' ? s : s.toLowerCase());
  const listings = new Map<string, Promise<Listing>>();
  const gaps: Gap[] = [];

  const list = (dir: string): Promise<Listing> => {
    let p = listings.get(dir);
    if (!p) {
      p = probes.listDir(installDirProbe(platform), dir, { instance: dir }).then((out) => {
        if (out.error === 'not-found') return { names: new Set<string>(), key: out.key };
        if (out.error) {
          gaps.push({ fact: 'install-locations', reason: reasonForProbeError(out.error), probe: out.key, ...(out.errorDetail ? { detail: out.errorDetail.slice(0, 500) } : {}) });
          return { names: undefined, key: out.key };
        }
        const names = stdoutText(out).split('\n').map((n) => fold(n.trim())).filter((n) => n !== '');
        return { names: new Set(names), key: out.key };
      });
      listings.set(dir, p);
    }
    return p;
  };

  /** The key of the listing that shows `path`, or undefined when it is absent or unknown. */
  const exists = async (path: string): Promise<string | undefined> => {
    const cut = path.lastIndexOf(sep);
    if (cut <= 0) return undefined;
    const parent = path.slice(0, cut);
    const name = path.slice(cut + 1);
    // Top-level folders (`/opt`, `C:\Program Files`) are listed directly.
    const topLevel = parent.split(sep).length <= 2;
    if (!topLevel && (await exists(parent)) === undefined) return undefined;
    const listing = await list(parent);
    return listing.names?.has(fold(name)) ? listing.key : undefined;
  };

  const installed = new Map<EdrProductId, string>();
  await Promise.all(
    EDR_PRODUCT_IDS.map(async (id) => {
      for (const path of PRODUCT_SIGNATURES[id].installPaths[platform] ?? []) {
        const key = await exists(path);
        if (key) {
          installed.set(id, key);
          return;
        }
      }
    }),
  );
  // Listings are memoised, so each unreadable directory adds one gap.
  return { installed, gaps };
}
