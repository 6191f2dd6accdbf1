/**
 * Builds the `edr` facts from several partial readings of each product (process list,
 * install directories, the product's own CLI, Windows Security Center), keeping the
 * facts inside their schema's limits.
 */
import type { Gap, UnknownReason } from '../../../shared/check-ids.js';
import { EDR_PRODUCT_IDS, type EdrFacts, type EdrProduct, type EdrProductId } from '../../../shared/facts/edr.js';

/** What one source says about one product; absent fields mean "this source cannot tell". */
export interface ProductReading {
  name?: string;
  running?: boolean;
  version?: string;
  healthy?: boolean;
  realTimeProtection?: boolean;
  tamperProtection?: boolean;
  registered?: boolean;
  lastCloudContact?: string;
  definitionsUpToDate?: boolean;
  issues?: string[];
  /** Facts the source should have given but did not, and why (become gaps `<id>.<fact>`). */
  missing?: { fact: 'healthy' | 'realTimeProtection'; reason: UnknownReason; detail: string }[];
}

const MAX_ISSUES = 16;
const MAX_SOURCES = 16;

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * Collects readings per product. Fields merge first-come (add the most authoritative
 * source first), except `running`, where any source proving the daemon alive wins: a
 * CLI that answered from the daemon beats a process name we did not know.
 */
export class ProductSet {
  private readonly products = new Map<EdrProductId, EdrProduct>();
  private readonly gapList: Gap[] = [];
  private readonly others: string[] = [];

  /** Records that `id` is installed, merging what `reading` says; `source` is a probe key. */
  add(id: EdrProductId, reading: ProductReading, source?: string): void {
    const p = this.products.get(id) ?? { id, installed: true };
    if (reading.running === true) p.running = true;
    else if (reading.running === false && p.running === undefined) p.running = false;
    const set = <K extends 'healthy' | 'realTimeProtection' | 'tamperProtection' | 'registered' | 'definitionsUpToDate'>(k: K): void => {
      const v = reading[k];
      if (v !== undefined && p[k] === undefined) p[k] = v;
    };
    set('healthy');
    set('realTimeProtection');
    set('tamperProtection');
    set('registered');
    set('definitionsUpToDate');
    if (reading.name && p.name === undefined) p.name = clip(reading.name, 128);
    if (reading.version && p.version === undefined) p.version = clip(reading.version, 64);
    if (reading.lastCloudContact && p.lastCloudContact === undefined) p.lastCloudContact = clip(reading.lastCloudContact, 40);
    for (const issue of reading.issues ?? []) {
      const text = clip(issue, 256);
      const issues = p.issues ?? [];
      if (!issues.includes(text) && issues.length < MAX_ISSUES) p.issues = [...issues, text];
    }
    if (source) {
      const sources = p.source ?? [];
      if (!sources.includes(source) && sources.length < MAX_SOURCES) p.source = [...sources, clip(source, 128)];
    }
    for (const m of reading.missing ?? []) {
      this.addGap({ fact: `${id}.${m.fact}`, reason: m.reason, detail: clip(m.detail, 500), ...(source ? { probe: source } : {}) });
    }
    this.products.set(id, p);
  }

  has(id: EdrProductId): boolean {
    return this.products.has(id);
  }

  /** Marks every known product not proven running as not running (the process list was read). */
  markOthersNotRunning(): void {
    for (const p of this.products.values()) if (p.running === undefined) p.running = false;
  }

  addGap(gap: Gap): void {
    this.gapList.push(gap);
  }

  /** A product the OS lists that is not one of ours (Windows Security Center). */
  addOther(name: string): void {
    const n = clip(name.trim(), 128);
    if (n && !this.others.includes(n) && this.others.length < 16) this.others.push(n);
  }

  facts(): EdrFacts {
    const products = EDR_PRODUCT_IDS.flatMap((id) => {
      const p = this.products.get(id);
      return p ? [p] : [];
    });
    return this.others.length > 0 ? { products, otherProducts: [...this.others] } : { products };
  }

  gaps(): Gap[] {
    return [...this.gapList];
  }
}
