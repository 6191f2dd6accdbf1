/** The `disk_encryption` check. PLACEHOLDER: collectors not written yet, so every platform reports `unsupported`. */
import type { CheckDefinition } from '../types.js';

export const diskEncryptionCheck: CheckDefinition<'disk_encryption'> = {
  id: 'disk_encryption',
  title: 'Disk encryption',
  probes: [],
  collectors: {},
  rule: () => ({ status: 'unknown', summary: 'Not implemented yet.', reasons: [], unknownReason: 'internal-error' }),
};
