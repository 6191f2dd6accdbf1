/** Parser for the nftables ruleset as JSON: `nft -j list ruleset`. */
import { unrecognised, parseJsonText, type Unrecognised } from './parse-util.js';

/** A base chain on the `input` hook: every packet to this machine passes through it. */
export interface NftInputChain {
  family: string;
  table: string;
  name: string;
  policy?: string;
  rules: number;
  /** Policy `drop`, or the chain ends with an unconditional `drop`/`reject`. */
  blocksByDefault: boolean;
}

export type ParsedNftRuleset =
  | {
      ok: true;
      tables: number;
      inputChains: NftInputChain[];
      /** Some input chain drops or rejects whatever earlier rules did not accept. */
      defaultInboundBlocked: boolean;
    }
  | Unrecognised;

/** Families whose `input` hook sees IP traffic addressed to this host. */
const IP_FAMILIES = new Set(['ip', 'ip6', 'inet']);
/** Statements that neither match nor change the verdict. */
const NEUTRAL = new Set(['counter', 'log', 'comment']);

/**
 * Parses `nft -j list ruleset` (root only):
 * ```
 * {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
 *  {"table": {"family": "inet", "name": "filter", "handle": 1}},
 *  {"chain": {"family": "inet", "table": "filter", "name": "input", "handle": 1,
 *             "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}}]}
 * ```
 * An input chain blocks by default when its policy is `drop` (ufw through iptables-nft)
 * or its last rule is an unconditional `drop`/`reject` (firewalld ends `filter_INPUT` with
 * `reject with icmpx admin-prohibited`). Debian's stock `/etc/nftables.conf` (policy
 * accept, no rules) therefore does not count as a firewall. Not JSON, or JSON without an
 * `nftables` array, is unrecognised. Never throws.
 */
export function parseNftRuleset(text: string): ParsedNftRuleset {
  const json = parseJsonText(text);
  if (!json.ok) return json;
  const doc = json.value;
  const items = isRecord(doc) ? doc.nftables : undefined;
  if (!Array.isArray(items)) return unrecognised('no "nftables" array');

  let tables = 0;
  const chains = new Map<string, NftInputChain>();
  const lastRule = new Map<string, unknown[]>();
  for (const item of items) {
    if (!isRecord(item)) continue;
    if (isRecord(item.table)) tables++;
    const chain = item.chain;
    if (isRecord(chain) && chain.hook === 'input' && typeof chain.family === 'string' && IP_FAMILIES.has(chain.family)) {
      const c: NftInputChain = { family: chain.family, table: str(chain.table), name: str(chain.name), rules: 0, blocksByDefault: false };
      if (typeof chain.policy === 'string') c.policy = chain.policy;
      chains.set(chainKey(c.family, c.table, c.name), c);
    }
    const rule = item.rule;
    if (isRecord(rule)) {
      const key = chainKey(str(rule.family), str(rule.table), str(rule.chain));
      const c = chains.get(key);
      if (c) {
        c.rules++;
        lastRule.set(key, Array.isArray(rule.expr) ? rule.expr : []);
      }
    }
  }
  const inputChains = [...chains.entries()].map(([key, c]) => {
    const last = lastRule.get(key);
    c.blocksByDefault = c.policy === 'drop' || (last !== undefined && isUnconditionalBlock(last));
    return c;
  });
  return { ok: true, tables, inputChains, defaultInboundBlocked: inputChains.some((c) => c.blocksByDefault) };
}

/** A rule that drops or rejects every packet reaching it: no match, only a verdict. */
function isUnconditionalBlock(expr: unknown[]): boolean {
  let verdict = false;
  for (const stmt of expr) {
    if (!isRecord(stmt)) return false;
    const keys = Object.keys(stmt);
    if (keys.length !== 1) return false;
    const k = keys[0] ?? '';
    if (k === 'drop' || k === 'reject') verdict = true;
    else if (!NEUTRAL.has(k)) return false;
  }
  return verdict;
}

function chainKey(family: string, table: string, name: string): string {
  return `${family}\u0000${table}\u0000${name}`;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v.slice(0, 128) : '';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
