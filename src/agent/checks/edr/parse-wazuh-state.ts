/** Wazuh agent state file (`wazuh-agentd.state`) and what it says about the agent. */
import type { ProductReading } from './assemble.js';

export type ParsedWazuhState =
  | {
      ok: true;
      /** `connected`, `disconnected` or `pending`. */
      status: string;
      /** As written: `2019-02-05 12:18:37` (agent's local time). */
      lastKeepalive?: string;
      lastAck?: string;
    }
  | { ok: false; error: string };

/**
 * Parses the state file wazuh-agentd rewrites every few seconds
 * (`/var/ossec/var/run/wazuh-agentd.state`, `/Library/Ossec/var/run/…`,
 * `C:\Program Files (x86)\ossec-agent\wazuh-agent.state`): `#` comments and
 * `key='value'` lines.
 *
 * ```
 * # State file for wazuh-agentd
 * status='connected'
 * last_keepalive='2019-02-05 12:18:37'
 * last_ack='2019-02-05 12:18:37'
 * ```
 */
export function parseWazuhState(text: string): ParsedWazuhState {
  const map = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const m = /^\s*([a-z_]+)\s*=\s*'([^']*)'\s*$/.exec(raw);
    if (m?.[1] && m[2] !== undefined && !map.has(m[1])) map.set(m[1], m[2].slice(0, 64));
  }
  const status = map.get('status');
  if (!status || !/^[a-z]+$/.test(status)) return { ok: false, error: 'no status line' };
  const result: ParsedWazuhState = { ok: true, status };
  const keepalive = map.get('last_keepalive');
  if (keepalive) result.lastKeepalive = keepalive;
  const ack = map.get('last_ack');
  if (ack) result.lastAck = ack;
  return result;
}

/** `2019-02-05 12:18:37` → `2019-02-05T12:18:37` (ISO 8601 local time: the file has no zone). */
function isoLocal(s: string | undefined): string | undefined {
  const m = s ? /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(s) : null;
  return m ? `${m[1]}T${m[2]}` : undefined;
}

/**
 * `connected` means the manager acknowledged the agent within the last few seconds:
 * registered and healthy. `disconnected` and `pending` are unhealthy. The last contact
 * is the last acknowledgement, or while connected the last keepalive.
 */
export function wazuhStateReading(p: Extract<ParsedWazuhState, { ok: true }>): ProductReading {
  const r: ProductReading = { issues: [], missing: [] };
  if (p.status === 'connected') {
    r.healthy = true;
    r.registered = true;
  } else if (p.status === 'disconnected') {
    r.healthy = false;
    r.issues?.push('disconnected from the Wazuh manager');
  } else if (p.status === 'pending') {
    r.healthy = false;
    r.issues?.push('waiting to connect to the Wazuh manager');
  } else {
    r.missing?.push({ fact: 'healthy', reason: 'parse-error', detail: `unrecognised Wazuh status "${p.status}"` });
  }
  const contact = isoLocal(p.lastAck) ?? (p.status === 'connected' ? isoLocal(p.lastKeepalive) : undefined);
  if (contact) r.lastCloudContact = contact;
  return r;
}
