/** The `screen_lock` check. PLACEHOLDER: collectors not written yet, so every platform reports `unsupported`. */
import type { CheckDefinition } from '../types.js';

export const screenLockCheck: CheckDefinition<'screen_lock'> = {
  id: 'screen_lock',
  title: 'Screen lock',
  probes: [],
  collectors: {},
  rule: () => ({ status: 'unknown', summary: 'Not implemented yet.', reasons: [], unknownReason: 'internal-error' }),
};
