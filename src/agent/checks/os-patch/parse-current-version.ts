/** The Windows version in `reg query "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"` output. */
import { parseRegQuery, regNumber } from '../windows-registry.js';
import type { Unrecognised } from './parse-util.js';

export type ParsedWindowsVersion =
  | {
      ok: true;
      /** ProductName as stored (Windows 11 still says "Windows 10 …"). */
      productName?: string;
      /** ProductName corrected for Windows 11 (build ≥ 22000 on a client). */
      name?: string;
      /** `10.0.<CurrentBuild>`. */
      version: string;
      /** `<CurrentBuild>.<UBR>`. */
      build: string;
      displayVersion?: string;
      editionId?: string;
      installationType?: string;
    }
  | Unrecognised;

/**
 * Reads the Windows version from `reg query "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"`:
 * CurrentBuild (`26200`), UBR (`0x1af5` = 6901), DisplayVersion (`25H2`, else ReleaseId),
 * EditionID, InstallationType and ProductName. Windows 11 keeps `ProductName = Windows 10 Pro`,
 * so a client build ≥ 22000 is named Windows 11. Returns `{ ok: false }` without a numeric
 * CurrentBuild (or CurrentBuildNumber). Never throws.
 */
export function parseWindowsCurrentVersion(text: string): ParsedWindowsVersion {
  const reg = parseRegQuery(text);
  if (!reg.ok) return reg;
  // Without /s the first key holds the values; the rest are its subkeys.
  const values = reg.keys[0]?.values ?? {};
  const v = (name: string): string | undefined => {
    const d = values[name]?.data.trim();
    return d ? d : undefined;
  };
  const currentBuild = [v('CurrentBuild'), v('CurrentBuildNumber')].find((b) => b !== undefined && /^\d{4,5}$/.test(b));
  if (!currentBuild) return { ok: false, error: 'no numeric CurrentBuild value' };
  const ubr = regNumber(values.UBR);
  const major = regNumber(values.CurrentMajorVersionNumber);
  const minor = regNumber(values.CurrentMinorVersionNumber);
  // Windows 10+ store 0xa / 0x0; older Windows only CurrentVersion (`6.1`, `6.3`).
  const majorMinor = major !== undefined && minor !== undefined ? `${major}.${minor}` : (v('CurrentVersion') ?? '10.0');
  const productName = v('ProductName');
  const installationType = v('InstallationType');
  const isServer = /server/i.test(installationType ?? '') || /server/i.test(productName ?? '');
  let name = productName;
  if (name && !isServer && Number(currentBuild) >= 22000) name = name.replace(/^(Microsoft )?Windows 10\b/, '$1Windows 11');
  const displayVersion = v('DisplayVersion') ?? v('ReleaseId');
  const editionId = v('EditionID');
  return {
    ok: true,
    ...(productName ? { productName } : {}),
    ...(name ? { name } : {}),
    version: `${majorMinor}.${currentBuild}`,
    build: ubr !== undefined && Number.isFinite(ubr) ? `${currentBuild}.${ubr}` : currentBuild,
    ...(displayVersion ? { displayVersion } : {}),
    ...(editionId ? { editionId } : {}),
    ...(installationType ? { installationType } : {}),
  };
}
