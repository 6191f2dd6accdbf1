/** The `firewall` check. PLACEHOLDER: collectors not written yet, so every platform reports `unsupported`. */
import type { CheckDefinition } from '../types.js';

export const firewallCheck: CheckDefinition<'firewall'> = {
  id: 'firewall',
  title: 'Firewall',
  probes: [],
  collectors: {},
  rule: () => ({ status: 'unknown', summary: 'Not implemented yet.', reasons: [], unknownReason: 'internal-error' }),
};
