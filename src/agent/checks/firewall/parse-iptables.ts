/** Parser for `iptables -S INPUT`. */
import { excerpt, lines, unrecognised, unusableText, type Unrecognised } from './parse-util.js';

export type ParsedIptablesInput =
  | {
      ok: true;
      /** `ACCEPT`, `DROP`, … */
      policy: string;
      rules: number;
      /** Policy DROP, or the last rule is an unconditional `-j DROP`/`-j REJECT`. */
      defaultInboundBlocked: boolean;
      /** iptables-nft warned that iptables-legacy also holds rules (not shown here). */
      legacyTablesPresent: boolean;
    }
  | Unrecognised;

/**
 * Parses `iptables -S INPUT` (root only; IPv4):
 * ```
 * -P INPUT DROP
 * -A INPUT -j ufw-before-logging-input
 * -A INPUT -j ufw-before-input
 * ```
 * iptables-nft may add `# Warning: iptables-legacy tables present, use iptables-legacy
 * to see them`. Lines that are neither `-P INPUT`, `-A INPUT` nor `#` comments make the
 * output unrecognised, as does a missing policy line. Never throws.
 */
export function parseIptablesInput(text: string): ParsedIptablesInput {
  const bad = unusableText(text);
  if (bad) return bad;
  let policy: string | undefined;
  let rules = 0;
  let last = '';
  let legacyTablesPresent = false;
  for (const raw of lines(text)) {
    const line = raw.trim().replace(/\s+/g, ' ');
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (/iptables-legacy tables present/i.test(line)) legacyTablesPresent = true;
      continue;
    }
    const p = /^-P INPUT ([A-Z]+)$/.exec(line);
    if (p) {
      policy = p[1];
      continue;
    }
    if (line.startsWith('-A INPUT ')) {
      rules++;
      last = line;
      continue;
    }
    return unrecognised(`unrecognised line: ${excerpt(line)}`);
  }
  if (!policy) return unrecognised('no "-P INPUT" policy line');
  const unconditional = /^-A INPUT -j (DROP|REJECT)( --reject-with [a-z0-9-]+)?$/.test(last);
  return { ok: true, policy, rules, defaultInboundBlocked: policy === 'DROP' || unconditional, legacyTablesPresent };
}
