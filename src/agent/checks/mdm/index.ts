/** The `mdm` check. PLACEHOLDER: collectors not written yet, so every platform reports `unsupported`. */
import type { CheckDefinition } from '../types.js';

export const mdmCheck: CheckDefinition<'mdm'> = {
  id: 'mdm',
  title: 'Device management (MDM)',
  probes: [],
  collectors: {},
  rule: () => ({ status: 'unknown', summary: 'Not implemented yet.', reasons: [], unknownReason: 'internal-error' }),
};
