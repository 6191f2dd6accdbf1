/**
 * The `edr` check: which endpoint protection products are installed and running, and
 * what each says about its own health, real-time protection and console registration.
 */
import { evaluateEdr } from '../../../shared/rules/edr.js';
import type { CheckDefinition, ProbeDoc } from '../types.js';
import { collectEdrDarwin } from './darwin.js';
import { collectEdrLinux } from './linux.js';
import { PROCESS_LIST_PROBE_DOCS } from './processes.js';
import { PRODUCT_CLI_PROBE_DOCS } from './product-clis.js';
import { collectEdrWin32, WIN32_PROBE_DOCS } from './win32.js';

const INSTALL_DIR_PROBE_DOCS: readonly ProbeDoc[] = [
  { id: 'linux.install-dir', platform: 'linux', runs: 'list `/opt`, `/var` (and `/opt/microsoft`, `/opt/Elastic` when present)', gives: 'installed products, running or not' },
  { id: 'darwin.install-dir', platform: 'darwin', runs: 'list `/Applications`, `/Library` (and `/Library/Elastic` when present)', gives: 'installed products, running or not' },
  { id: 'win32.install-dir', platform: 'win32', runs: 'list `C:\\Program Files`, `C:\\Program Files (x86)` (and vendor folders when present)', gives: 'installed products, running or not' },
];

export const edrCheck: CheckDefinition<'edr'> = {
  id: 'edr',
  title: 'EDR',
  probes: [...PROCESS_LIST_PROBE_DOCS, ...INSTALL_DIR_PROBE_DOCS, ...PRODUCT_CLI_PROBE_DOCS, ...WIN32_PROBE_DOCS],
  collectors: { linux: collectEdrLinux, darwin: collectEdrDarwin, win32: collectEdrWin32 },
  rule: evaluateEdr,
};
