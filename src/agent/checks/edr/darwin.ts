/**
 * `edr` on macOS: `ps`, `/Applications` and `/Library` listings, then the detected
 * products' CLIs. CrowdStrike Falcon, Elastic Endpoint, Bitdefender and Sophos are
 * judged by their processes only (no real capture of their macOS status output to
 * build a parser on).
 */
import type { EdrFacts } from '../../../shared/facts/edr.js';
import type { Collector } from '../types.js';
import { collectUnix } from './collect-unix.js';
import { DARWIN_CLIS } from './product-clis.js';

export const collectEdrDarwin: Collector<EdrFacts> = (ctx) => collectUnix(ctx, 'darwin', DARWIN_CLIS);
