/** Parsers for Linux management agents' own files (JumpCloud, Canonical Landscape). */
import { lines, unrecognised, unusableText, parseJsonText, type Unrecognised } from '../firewall/parse-util.js';

export type ParsedJcAgentConf = { ok: true; registered: boolean; serverHost?: string } | Unrecognised;

/**
 * Parses JumpCloud's `/opt/jc/jcagent.conf` (JSON, root-only). The agent writes its
 * `systemKey` (24 hex/alnum characters) once the system is registered with the console:
 * ```
 * {"agentServerHost":"agent.jumpcloud.com","connectKey":"…","systemKey":"5f1a2b3c4d5e6f7a8b9c0d1e"}
 * ```
 * The key itself is never returned. Never throws.
 */
export function parseJcAgentConf(text: string): ParsedJcAgentConf {
  const json = parseJsonText(text);
  if (!json.ok) return json;
  const doc = json.value;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return unrecognised('not a JSON object');
  const o = doc as Record<string, unknown>;
  const registered = typeof o.systemKey === 'string' && /^[A-Za-z0-9]{16,64}$/.test(o.systemKey);
  const host = typeof o.agentServerHost === 'string' ? o.agentServerHost : undefined;
  return { ok: true, registered, ...(host ? { serverHost: host.slice(0, 256) } : {}) };
}

export type ParsedLandscapeConf = { ok: true; accountName?: string; url?: string } | Unrecognised;

/**
 * Parses `/etc/landscape/client.conf` (INI), which `landscape-config` writes when the
 * machine is registered with a Landscape account:
 * ```
 * [client]
 * log_level = info
 * url = https://landscape.canonical.com/message-system
 * account_name = example
 * computer_title = ws-042
 * ```
 * Only the `[client]` section is read. Never throws.
 */
export function parseLandscapeClientConf(text: string): ParsedLandscapeConf {
  const bad = unusableText(text);
  if (bad) return bad;
  let section = '';
  let sawSection = false;
  const out: { ok: true; accountName?: string; url?: string } = { ok: true };
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) {
      section = s[1] ?? '';
      sawSection = true;
      continue;
    }
    if (section !== 'client') continue;
    const kv = /^([a-z_]+)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv) continue;
    if (kv[1] === 'account_name' && kv[2]) out.accountName = kv[2].slice(0, 128);
    if (kv[1] === 'url' && kv[2]) out.url = kv[2].slice(0, 512);
  }
  return sawSection ? out : unrecognised('no [section] header: not an INI file');
}
