/** Parser for macOS `fdesetup status`. Pure: no I/O. */
import type { EncryptionState } from '../../../shared/facts/disk-encryption.js';
import { isBinary, lines, unrecognised, type Unrecognised } from './parse-util.js';

export type ParsedFdesetupStatus =
  | {
      ok: true;
      /** The `FileVault is On.` / `Off.` line; absent when only a progress line was printed. */
      fileVault?: 'on' | 'off';
      /** `on` only when FileVault is on and no conversion is in progress. */
      state: EncryptionState;
      /** `Percent completed = N` of an encryption or decryption in progress. */
      percentCompleted?: number;
      /** `FileVault master keychain appears to be installed.` (institutional recovery key). */
      masterKeychain: boolean;
      /** `Deferred enablement appears to be active for user '…'.`: FileVault turns on at next logout. */
      deferredEnablement: boolean;
    }
  | Unrecognised;

/**
 * Parses `fdesetup status`:
 * ```
 * FileVault is On.
 * FileVault master keychain appears to be installed.
 * ```
 * and the conversion lines `Encryption in progress: Percent completed = 42.5`,
 * `Encryption in progress: Pending`, `Decryption in progress: Percent completed = 12`.
 * Any line it does not know makes the whole output unrecognised: a new macOS wording must
 * not be read as "on". Never throws.
 */
export function parseFdesetupStatus(text: string): ParsedFdesetupStatus {
  if (isBinary(text)) return unrecognised('output is not text');
  let fileVault: 'on' | 'off' | undefined;
  let conversion: 'encrypting' | 'decrypting' | undefined;
  let percent: number | undefined;
  let masterKeychain = false;
  let deferredEnablement = false;
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^FileVault is (On|Off)\.$/.exec(line))) {
      if (fileVault) return unrecognised('two FileVault status lines');
      fileVault = m[1] === 'On' ? 'on' : 'off';
    } else if ((m = /^(Encryption|Decryption) in progress: (?:Percent completed = (\d{1,3}(?:\.\d+)?)|Pending)\.?$/i.exec(line))) {
      if (conversion) return unrecognised('two conversion lines');
      conversion = m[1]?.toLowerCase() === 'encryption' ? 'encrypting' : 'decrypting';
      if (m[2] !== undefined) {
        const n = Number(m[2]);
        if (n > 100) return unrecognised(`percentage out of range: ${m[2]}`);
        percent = n;
      }
    } else if (/^FileVault master keychain appears to be installed\.$/.test(line)) {
      masterKeychain = true;
    } else if (/^Deferred enablement appears to be active for user '.{0,256}'\.$/.test(line)) {
      deferredEnablement = true;
    } else {
      return unrecognised(`unrecognised line: ${line.slice(0, 120)}`);
    }
  }
  if (!fileVault && !conversion) return unrecognised('no FileVault status line');
  const state: EncryptionState = conversion ?? (fileVault === 'on' ? 'on' : 'off');
  return {
    ok: true,
    ...(fileVault ? { fileVault } : {}),
    state,
    ...(percent !== undefined ? { percentCompleted: percent } : {}),
    masterKeychain,
    deferredEnablement,
  };
}
