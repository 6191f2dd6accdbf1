/** Parser for macOS `profiles status -type enrollment`. */
import { excerpt, lines, unrecognised, unusableText, type Unrecognised } from '../firewall/parse-util.js';

export type ParsedProfilesEnrollment =
  | {
      ok: true;
      enrolledViaDep: boolean;
      mdmEnrolled: boolean;
      /** `Yes (User Approved)`; undefined when not enrolled. */
      userApproved?: boolean;
      /** The `MDM server:` line (macOS 13 and later). */
      serverUrl?: string;
    }
  | Unrecognised;

/**
 * Parses `profiles status -type enrollment`:
 * ```
 * Enrolled via DEP: Yes
 * MDM enrollment: Yes (User Approved)
 * MDM server: https://mdm.example.com/mdm/server
 * ```
 * Both the DEP and the MDM line are required. Never throws.
 */
export function parseProfilesEnrollment(text: string): ParsedProfilesEnrollment {
  const bad = unusableText(text);
  if (bad) return bad;
  let dep: boolean | undefined;
  let mdm: boolean | undefined;
  let userApproved: boolean | undefined;
  let serverUrl: string | undefined;
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '') continue;
    const d = /^Enrolled via DEP:\s*(Yes|No)$/i.exec(line);
    if (d) {
      dep = (d[1] ?? '').toLowerCase() === 'yes';
      continue;
    }
    const m = /^MDM enrollment:\s*(Yes|No)(?:\s*\((User Approved|[^)]*)\))?$/i.exec(line);
    if (m) {
      mdm = (m[1] ?? '').toLowerCase() === 'yes';
      if (mdm) userApproved = /^User Approved$/i.test(m[2] ?? '');
      continue;
    }
    const s = /^MDM server:\s*(\S+)$/i.exec(line);
    if (s) {
      serverUrl = (s[1] ?? '').slice(0, 512);
      continue;
    }
    if (/^(Error|profiles:)/i.test(line)) return unrecognised(`profiles reported an error: ${excerpt(line)}`);
  }
  if (dep === undefined || mdm === undefined) return unrecognised('no "Enrolled via DEP:" and "MDM enrollment:" lines');
  return {
    ok: true,
    enrolledViaDep: dep,
    mdmEnrolled: mdm,
    ...(userApproved !== undefined ? { userApproved } : {}),
    ...(serverUrl ? { serverUrl } : {}),
  };
}
