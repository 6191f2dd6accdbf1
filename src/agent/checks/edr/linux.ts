/** `edr` on Linux: `ps`, `/opt` (and `/var/ossec`) listings, then the detected products' CLIs. */
import type { EdrFacts } from '../../../shared/facts/edr.js';
import type { Collector } from '../types.js';
import { collectUnix } from './collect-unix.js';
import { LINUX_CLIS } from './product-clis.js';

export const collectEdrLinux: Collector<EdrFacts> = (ctx) => collectUnix(ctx, 'linux', LINUX_CLIS);
