/** Parser for the FileVault part of macOS `mdmclient QuerySecurityInfo`. Pure: no I/O. */
import { isBinary, unrecognised, type Unrecognised } from './parse-util.js';

export type ParsedMdmSecurityInfo =
  | {
      ok: true;
      /** `FDE_Enabled`: FileVault is enabled (says nothing about a conversion in progress). */
      fdeEnabled?: boolean;
      hasInstitutionalRecoveryKey?: boolean;
      hasPersonalRecoveryKey?: boolean;
    }
  | Unrecognised;

/**
 * Reads the `FDE_*` keys of the daemon's `SecurityInfo` dictionary (an NSDictionary
 * description, not JSON or a plist):
 * ```
 * Daemon response: {
 *     SecurityInfo =     {
 *         "FDE_Enabled" = 1;
 *         "FDE_HasInstitutionalRecoveryKey" = 0;
 *         "FDE_HasPersonalRecoveryKey" = 1;
 * ```
 * Only the first occurrence of each key counts (the daemon's answer comes before the
 * agent's). Values other than 0/1 are left out. Unrecognised when no `FDE_` key is present.
 */
export function parseMdmclientSecurityInfo(text: string): ParsedMdmSecurityInfo {
  if (isBinary(text)) return unrecognised('output is not text');
  if (!/^Daemon response: \{/m.test(text)) return unrecognised('no "Daemon response" block');
  const read = (key: string): boolean | undefined | null => {
    const m = new RegExp(`^\\s*"?${key}"?\\s*=\\s*([^;\\n]*);\\s*$`, 'm').exec(text);
    if (!m) return null;
    return m[1] === '1' ? true : m[1] === '0' ? false : undefined;
  };
  const fde = read('FDE_Enabled');
  const inst = read('FDE_HasInstitutionalRecoveryKey');
  const pers = read('FDE_HasPersonalRecoveryKey');
  if (fde === null && inst === null && pers === null) return unrecognised('no FDE_ keys in the answer');
  return {
    ok: true,
    ...(typeof fde === 'boolean' ? { fdeEnabled: fde } : {}),
    ...(typeof inst === 'boolean' ? { hasInstitutionalRecoveryKey: inst } : {}),
    ...(typeof pers === 'boolean' ? { hasPersonalRecoveryKey: pers } : {}),
  };
}
