/** Which identity-provider URLs the tray app may open in the system browser. Pure. */

/**
 * True for an https URL, or http to a loopback address (a local test IdP), with no
 * credentials. Anything else (file:, javascript:, custom schemes) is refused: the URL
 * comes from the service's IdP configuration and is handed to the OS.
 */
export function isAllowedSignInUrl(raw: string): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]');
}
