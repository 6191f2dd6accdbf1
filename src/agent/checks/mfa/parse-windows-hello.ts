/** Reads the Windows Hello for Business state out of `dsregcmd /status`. */
import { dsregcmdJoinState, parseDsregcmdStatus } from '../mdm/parse-dsregcmd.js';
import type { Unrecognised } from '../firewall/parse-util.js';

export type ParsedWindowsHello = { ok: true; ngcSet?: boolean } | Unrecognised;

/**
 * Parses `dsregcmd /status` for the User State section's `NgcSet` (a Windows Hello for
 * Business key exists for the signed-in user):
 * ```
 * | User State                                                           |
 * +----------------------------------------------------------------------+
 *                     NgcSet : YES
 *                   NgcKeyId : {FA0DB076-A5D7-4844-82D8-50A2FB42EC7B}
 * ```
 * `ngcSet` is undefined when dsregcmd printed no `NgcSet : YES|NO`. Never throws.
 */
export function parseWindowsHello(text: string): ParsedWindowsHello {
  const parsed = parseDsregcmdStatus(text);
  if (!parsed.ok) return parsed;
  const ngcSet = dsregcmdJoinState(parsed.sections).ngcSet;
  return ngcSet === undefined ? { ok: true } : { ok: true, ngcSet };
}
