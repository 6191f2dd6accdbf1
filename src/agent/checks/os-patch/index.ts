/** The `os_patch` check. PLACEHOLDER: collectors not written yet, so every platform reports `unsupported`. */
import type { CheckDefinition } from '../types.js';

export const osPatchCheck: CheckDefinition<'os_patch'> = {
  id: 'os_patch',
  title: 'OS patch level',
  probes: [],
  collectors: {},
  rule: () => ({ status: 'unknown', summary: 'Not implemented yet.', reasons: [], unknownReason: 'internal-error' }),
};
