/**
 * Which resource a request is for. Gateways forward the original host and URI; the
 * resource decides the segment, so an ambiguous path must never land on a more
 * lenient resource than the backend will serve. Anything this module cannot read
 * unambiguously matches nothing, and an unmatched request is denied (fail closed).
 */
import type { Policy, PolicyResource } from './model.js';

const MAX_PATH = 8192;

/**
 * The path a backend will serve for `raw` (a request target such as `/a/b?x=1`):
 * query and fragment dropped, percent-decoded once, `//` collapsed, `.` and `..`
 * resolved. Undefined (no match) when the target is not origin-form, decoding fails,
 * `..` climbs above the root, or the path hides separators or control characters
 * (`%2f`, `%5c`, `\`, NUL, double encoding such as `%252e`) that backends disagree on.
 */
export function normalizeRequestPath(raw: string): string | undefined {
  if (raw.length > MAX_PATH) return undefined;
  const cut = raw.search(/[?#]/);
  const target = cut === -1 ? raw : raw.slice(0, cut);
  if (!target.startsWith('/')) return undefined;
  if (/%(?:2f|5c|00)/i.test(target)) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(target);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(decoded) || /%[0-9a-f]{2}/i.test(decoded)) return undefined;
  const out: string[] = [];
  for (const seg of decoded.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
      continue;
    }
    out.push(seg);
  }
  return `/${out.join('/')}`;
}

/**
 * `Host` header → the name resources list: lowercase, port and one trailing dot
 * removed. Undefined for anything that is not a DNS name, IPv4 or bracketed IPv6.
 */
export function normalizeHost(raw: string): string | undefined {
  let host = raw.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end === -1) return undefined;
    const rest = host.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    host = host.slice(0, end + 1);
    return /^\[[0-9a-f:.]+\]$/.test(host) ? host : undefined;
  }
  const colon = host.indexOf(':');
  if (colon !== -1) {
    if (!/^\d{1,5}$/.test(host.slice(colon + 1))) return undefined;
    host = host.slice(0, colon);
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host.length > 0 && host.length <= 253 && /^[a-z0-9.-]+$/.test(host) ? host : undefined;
}

/** True when `path` (normalised) is `prefix` or below it, on a segment boundary. */
export function pathHasPrefix(path: string, prefix: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}

/** The resource called `name`, or undefined. */
export function findResource(policy: Policy, name: string): PolicyResource | undefined {
  return policy.resources.find((r) => r.name === name);
}

/**
 * The resource a request for `host` + `path` belongs to: exact host (after
 * `normalizeHost`), then the longest `path_prefix` containing the normalised path.
 * Undefined when nothing matches or the input is ambiguous.
 */
export function matchResourceByHostPath(policy: Policy, host: string, path: string): PolicyResource | undefined {
  const h = normalizeHost(host);
  const p = normalizeRequestPath(path);
  if (h === undefined || p === undefined) return undefined;
  let best: PolicyResource | undefined;
  for (const r of policy.resources) {
    if (!r.hosts.includes(h) || !pathHasPrefix(p, r.pathPrefix)) continue;
    if (!best || r.pathPrefix.length > best.pathPrefix.length) best = r;
  }
  return best;
}
