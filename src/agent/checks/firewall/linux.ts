/**
 * Linux firewall collector. A firewall counts as on when something drops or rejects
 * unsolicited inbound traffic by default. It reads, in parallel:
 * - ufw: `/etc/ufw/ufw.conf` (world-readable) and, when it says ENABLED=yes,
 *   `ufw status verbose` (root);
 * - firewalld: `/etc/firewalld/firewalld.conf` and, when present, `firewall-cmd --state`;
 * - the kernel's rules through `nft -j list ruleset` and `iptables -S INPUT` (root).
 * One positive reading is enough for `enabled: true`. `enabled: false` needs every source
 * read (or absent); a source that could not be read leaves `enabled` unset with a gap.
 *
 * When none of ufw, firewalld, nft or iptables is installed, `enabled` is false with no
 * profiles: without any of them nothing on a normal distribution loads packet-filter
 * rules, and the user has no tool to configure one, so "no firewall" is an observation,
 * not a guess. (A program linking libnftnl directly could still load rules; that is not
 * a firewall the user or IT manages, and we accept that blind spot.)
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { FirewallFacts, FirewallProfile } from '../../../shared/facts/firewall.js';
import { probeGap, stderrText, stdoutText } from '../../probes/text.js';
import type { ProbeOutput } from '../../probes/types.js';
import type { CollectContext, Observation } from '../types.js';
import { parseFirewallCmdState, parseFirewalldConf } from './parse-firewalld.js';
import { parseIptablesInput } from './parse-iptables.js';
import { parseNftRuleset } from './parse-nft.js';
import { parseUfwConf, parseUfwStatus } from './parse-ufw.js';

/** What one source says: a profile when read, a gap when not, nothing when absent. */
interface SourceReading {
  profile?: FirewallProfile;
  gap?: Gap;
  /** The tool is not on this machine. */
  absent?: boolean;
}

const FACT = 'enabled';

function parseGap(out: ProbeOutput, error: string): Gap {
  return { fact: FACT, reason: 'parse-error', probe: out.key, detail: error.slice(0, 500) };
}

async function readUfw(ctx: CollectContext): Promise<SourceReading> {
  const conf = await ctx.probes.readFile('linux.ufw-conf', '/etc/ufw/ufw.conf');
  if (conf.error === 'not-found') return { absent: true };
  const confGap = probeGap(conf, FACT);
  if (confGap) return { gap: confGap };
  const parsedConf = parseUfwConf(stdoutText(conf));
  if (!parsedConf.ok) return { gap: parseGap(conf, parsedConf.error) };
  // ufw rewrites ENABLED on `ufw enable`/`ufw disable`; "no" means it is not filtering.
  if (!parsedConf.enabled) return { profile: { name: 'ufw', enabled: false } };
  const status = await ctx.probes.exec('linux.ufw-status', 'ufw', ['status', 'verbose'], { timeoutMs: 5000 });
  let statusGap = probeGap(status, FACT);
  // ufw words its root check in a way the generic permission test does not know.
  if (statusGap?.reason === 'probe-failed' && /need to be root/i.test(`${stdoutText(status)}\n${stderrText(status)}`)) statusGap = { ...statusGap, reason: 'permission' };
  if (statusGap) {
    return { gap: { ...statusGap, detail: `ufw.conf says ENABLED=yes but its live state could not be read: ${statusGap.detail ?? statusGap.reason}`.slice(0, 500) } };
  }
  const parsed = parseUfwStatus(stdoutText(status));
  if (!parsed.ok) return { gap: parseGap(status, parsed.error) };
  const profile: FirewallProfile = { name: 'ufw', enabled: parsed.active };
  if (parsed.active && parsed.defaultIncoming) profile.defaultInboundBlocked = parsed.defaultIncoming !== 'allow';
  return { profile };
}

async function readFirewalld(ctx: CollectContext): Promise<SourceReading> {
  const conf = await ctx.probes.readFile('linux.firewalld-conf', '/etc/firewalld/firewalld.conf');
  if (conf.error === 'not-found') return { absent: true };
  const state = await ctx.probes.exec('linux.firewall-cmd-state', 'firewall-cmd', ['--state'], { timeoutMs: 5000 });
  if (state.error === 'not-installed') return { absent: true };
  if (state.error) return { gap: probeGap(state, FACT) };
  // "not running" arrives on stderr with exit 252: read both streams, then judge.
  const parsed = parseFirewallCmdState(`${stdoutText(state)}\n${stderrText(state)}`);
  if (!parsed.ok) return { gap: probeGap(state, FACT) ?? parseGap(state, parsed.error) };
  const profile: FirewallProfile = { name: 'firewalld', enabled: parsed.running };
  if (parsed.running) {
    const zone = conf.error ? undefined : parseFirewalldConf(stdoutText(conf));
    // Every stock zone but `trusted` rejects unsolicited inbound traffic.
    if (zone?.ok) profile.defaultInboundBlocked = (zone.defaultZone ?? 'public') !== 'trusted';
  }
  return { profile };
}

async function readNft(ctx: CollectContext): Promise<SourceReading> {
  const out = await ctx.probes.exec('linux.nft-list-ruleset', 'nft', ['-j', 'list', 'ruleset'], { timeoutMs: 5000 });
  if (out.error === 'not-installed') return { absent: true };
  const gap = probeGap(out, FACT);
  if (gap) return { gap };
  const parsed = parseNftRuleset(stdoutText(out));
  if (!parsed.ok) return { gap: parseGap(out, parsed.error) };
  return { profile: { name: 'nftables', enabled: parsed.defaultInboundBlocked, defaultInboundBlocked: parsed.defaultInboundBlocked } };
}

async function readIptables(ctx: CollectContext): Promise<SourceReading> {
  const out = await ctx.probes.exec('linux.iptables-input', 'iptables', ['-S', 'INPUT'], { timeoutMs: 5000 });
  if (out.error === 'not-installed') return { absent: true };
  const gap = probeGap(out, FACT);
  if (gap) return { gap };
  const parsed = parseIptablesInput(stdoutText(out));
  if (!parsed.ok) return { gap: parseGap(out, parsed.error) };
  return { profile: { name: 'iptables', enabled: parsed.defaultInboundBlocked, defaultInboundBlocked: parsed.defaultInboundBlocked } };
}

/** Collects firewall facts on Linux. */
export async function collectLinuxFirewall(ctx: CollectContext): Promise<Observation<FirewallFacts>> {
  const readings = await Promise.all([readUfw(ctx), readFirewalld(ctx), readNft(ctx), readIptables(ctx)]);
  const profiles = readings.flatMap((r) => (r.profile ? [r.profile] : []));
  const gaps = readings.flatMap((r) => (r.gap ? [r.gap] : []));
  const facts: FirewallFacts = { profiles };
  if (profiles.some((p) => p.enabled)) facts.enabled = true;
  else if (gaps.length === 0) facts.enabled = false;
  return { facts, gaps };
}
