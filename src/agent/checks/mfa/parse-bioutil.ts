/** Parsers for macOS Touch ID state: `bioutil -r` and `bioutil -c`. */
import { excerpt, lines, unrecognised, unusableText, type Unrecognised } from '../firewall/parse-util.js';

export type ParsedBioutilConfig =
  | { ok: true; hardware: false }
  | { ok: true; hardware: true; unlock?: boolean; effectiveUnlock?: boolean }
  | Unrecognised;

/**
 * Parses `bioutil -r` (the user's Touch ID configuration):
 * ```
 * User Touch ID configuration:
 * 	Biometrics for unlock: 1
 * 	Biometrics for ApplePay: 1
 * 	Effective biometrics for unlock: 1
 * 	Effective biometrics for ApplePay: 1
 * Operation performed successfully.
 * ```
 * `Touch ID does not exist` means a Mac without the sensor. Never throws.
 */
export function parseBioutilConfig(text: string): ParsedBioutilConfig {
  const bad = unusableText(text);
  if (bad) return bad;
  if (/Touch ID does not exist/i.test(text)) return { ok: true, hardware: false };
  let unlock: boolean | undefined;
  let effectiveUnlock: boolean | undefined;
  let header = false;
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (/^(User|System) (Touch ID|biometrics) configuration:$/i.test(line)) header = true;
    const u = /^Biometrics for unlock:\s*([01])$/i.exec(line);
    if (u) unlock = u[1] === '1';
    const e = /^Effective biometrics for unlock:\s*([01])$/i.exec(line);
    if (e) effectiveUnlock = e[1] === '1';
  }
  if (!header && unlock === undefined && effectiveUnlock === undefined) {
    return unrecognised(`not bioutil configuration output: ${excerpt(lines(text)[0] ?? '')}`);
  }
  return {
    ok: true,
    hardware: true,
    ...(unlock !== undefined ? { unlock } : {}),
    ...(effectiveUnlock !== undefined ? { effectiveUnlock } : {}),
  };
}

export type ParsedBioutilCount = { ok: true; templates: number } | Unrecognised;

/**
 * Parses `bioutil -c` (enrolled fingerprints of the current user):
 * ```
 * User 501:	2 biometric template(s)
 * Operation performed successfully.
 * ```
 * or `There are no biometric templates in the system.` Never throws.
 */
export function parseBioutilCount(text: string): ParsedBioutilCount {
  const bad = unusableText(text);
  if (bad) return bad;
  if (/There are no biometric templates/i.test(text)) return { ok: true, templates: 0 };
  let templates: number | undefined;
  for (const raw of lines(text)) {
    const m = /^User \d+:\s*(\d+) biometric template\(s\)$/i.exec(raw.trim());
    if (m) templates = (templates ?? 0) + Number(m[1]);
  }
  return templates === undefined ? unrecognised(`no "User N: K biometric template(s)" line`) : { ok: true, templates };
}
