/** The `edr` check. PLACEHOLDER: collectors not written yet, so every platform reports `unsupported`. */
import type { CheckDefinition } from '../types.js';

export const edrCheck: CheckDefinition<'edr'> = {
  id: 'edr',
  title: 'EDR',
  probes: [],
  collectors: {},
  rule: () => ({ status: 'unknown', summary: 'Not implemented yet.', reasons: [], unknownReason: 'internal-error' }),
};
