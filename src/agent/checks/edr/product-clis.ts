/**
 * The status CLIs of each product on Linux and macOS, run only for detected products.
 * Each run becomes a reading of its product, or a gap named after the product (its
 * health and real-time protection are then unknown, never assumed).
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { EdrProductId } from '../../../shared/facts/edr.js';
import { probeGap, stderrText, stdoutText } from '../../probes/text.js';
import type { ProbeOutput, ProbeRunner } from '../../probes/types.js';
import type { ProbeDoc } from '../types.js';
import type { ProductReading, ProductSet } from './assemble.js';
import { bduitoolReading, parseBduitoolGetPs } from './parse-bduitool.js';
import { cytoolReading, parseCytoolRuntime } from './parse-cytool.js';
import { falconctlReading, parseFalconctl } from './parse-falconctl.js';
import { mdatpReading, parseMdatpHealth } from './parse-mdatp-health.js';
import { parseRepcliStatus, repcliReading } from './parse-repcli.js';
import { mergeSentinelctl, parseSentinelctl, sentinelctlReading, type ParsedSentinelctl } from './parse-sentinelctl.js';
import { parseWazuhState, wazuhStateReading } from './parse-wazuh-state.js';

type Parsed<T> = ({ ok: true } & T) | { ok: false; error: string };

/**
 * Turns a probe output into a reading via `parse` + `read`, or records a gap. Returns the
 * gap it recorded (undefined when the probe gave a reading).
 */
export function readProbe<T>(
  set: ProductSet,
  id: EdrProductId,
  out: ProbeOutput,
  parse: (text: string) => Parsed<T>,
  read: (parsed: { ok: true } & T) => ProductReading,
  opts: { allowNonZeroExit?: boolean; withStderr?: boolean } = {},
): Gap | undefined {
  const gap = probeGap(out, id, { allowNonZeroExit: opts.allowNonZeroExit ?? false, allowEmpty: opts.withStderr ?? false });
  if (gap) {
    set.addGap(gap);
    return gap;
  }
  const text = opts.withStderr ? `${stdoutText(out)}\n${stderrText(out)}` : stdoutText(out);
  const parsed = parse(text);
  if (!parsed.ok) {
    const unreadable: Gap = { fact: id, reason: 'parse-error', probe: out.key, detail: parsed.error };
    set.addGap(unreadable);
    return unreadable;
  }
  set.add(id, read(parsed), out.key);
  return undefined;
}

type CliRunner = (probes: ProbeRunner, set: ProductSet) => Promise<void>;

const falconLinux: CliRunner = async (probes, set) => {
  const out = await probes.exec('linux.falconctl', 'falconctl', ['-g', '--aid', '--rfm-state', '--version']);
  // falconctl exits non-zero when an option is unset; its text still says which.
  readProbe(set, 'crowdstrike_falcon', out, parseFalconctl, falconctlReading, { allowNonZeroExit: true, withStderr: true });
};

const sentinelLinux: CliRunner = async (probes, set) => {
  const runs = await Promise.all([
    probes.exec('linux.sentinelctl-version', 'sentinelctl', ['version']),
    probes.exec('linux.sentinelctl-control-status', 'sentinelctl', ['control', 'status']),
    probes.exec('linux.sentinelctl-management-status', 'sentinelctl', ['management', 'status']),
  ]);
  const parts: Extract<ParsedSentinelctl, { ok: true }>[] = [];
  const keys: string[] = [];
  for (const out of runs) {
    const gap = probeGap(out, 'sentinelone');
    const parsed = gap ? undefined : parseSentinelctl(stdoutText(out));
    if (gap) set.addGap(gap);
    else if (parsed && !parsed.ok) set.addGap({ fact: 'sentinelone', reason: 'parse-error', probe: out.key, detail: parsed.error });
    else if (parsed?.ok) {
      parts.push(parsed);
      keys.push(out.key);
    }
  }
  if (parts.length === 0) return;
  set.add('sentinelone', sentinelctlReading(mergeSentinelctl(parts)), keys[0]);
  for (const key of keys.slice(1)) set.add('sentinelone', {}, key);
};

const sentinelDarwin: CliRunner = async (probes, set) => {
  const status = await probes.exec('darwin.sentinelctl-status', 'sentinelctl', ['status']);
  readProbe(set, 'sentinelone', status, parseSentinelctl, sentinelctlReading);
  const parsed = probeGap(status, 'sentinelone') ? undefined : parseSentinelctl(stdoutText(status));
  if (parsed?.ok && parsed.version) return;
  // `status` did not give the version: `version` prints just that.
  const version = await probes.exec('darwin.sentinelctl-version', 'sentinelctl', ['version']);
  const v = probeGap(version, 'sentinelone.version') ? undefined : parseSentinelctl(stdoutText(version));
  if (v?.ok && v.version) set.add('sentinelone', { version: v.version }, version.key);
};

const mdatp =
  (probe: string): CliRunner =>
  async (probes, set) => {
    const out = await probes.exec(probe, 'mdatp', ['health', '--output', 'json'], { timeoutMs: 15_000 });
    readProbe(set, 'microsoft_defender', out, parseMdatpHealth, mdatpReading);
  };

const repcli =
  (probe: string): CliRunner =>
  async (probes, set) => {
    readProbe(set, 'carbon_black', await probes.exec(probe, 'repcli', ['status']), parseRepcliStatus, repcliReading);
  };

const cytool =
  (probe: string): CliRunner =>
  async (probes, set) => {
    readProbe(set, 'cortex_xdr', await probes.exec(probe, 'cytool', ['runtime', 'query']), parseCytoolRuntime, cytoolReading);
  };

const bduitool: CliRunner = async (probes, set) => {
  readProbe(set, 'bitdefender', await probes.exec('linux.bduitool-get-ps', 'bduitool', ['get', 'ps']), parseBduitoolGetPs, bduitoolReading);
};

const wazuhState =
  (probe: string, path: string): CliRunner =>
  async (probes, set) => {
    readProbe(set, 'wazuh', await probes.readFile(probe, path), parseWazuhState, wazuhStateReading);
  };

/** Wazuh's state file path per OS. */
export const WAZUH_STATE_FILES = {
  linux: '/var/ossec/var/run/wazuh-agentd.state',
  darwin: '/Library/Ossec/var/run/wazuh-agentd.state',
  win32: 'C:\\Program Files (x86)\\ossec-agent\\wazuh-agent.state',
} as const;

export const LINUX_CLIS: Partial<Record<EdrProductId, CliRunner>> = {
  crowdstrike_falcon: falconLinux,
  sentinelone: sentinelLinux,
  microsoft_defender: mdatp('linux.mdatp-health'),
  carbon_black: repcli('linux.repcli-status'),
  cortex_xdr: cytool('linux.cytool-runtime-query'),
  bitdefender: bduitool,
  wazuh: wazuhState('linux.wazuh-agentd-state', WAZUH_STATE_FILES.linux),
};

export const DARWIN_CLIS: Partial<Record<EdrProductId, CliRunner>> = {
  sentinelone: sentinelDarwin,
  microsoft_defender: mdatp('darwin.mdatp-health'),
  carbon_black: repcli('darwin.repcli-status'),
  cortex_xdr: cytool('darwin.cytool-runtime-query'),
  wazuh: wazuhState('darwin.wazuh-agentd-state', WAZUH_STATE_FILES.darwin),
};

/** ProbeDocs of the CLIs above. */
export const PRODUCT_CLI_PROBE_DOCS: readonly ProbeDoc[] = [
  { id: 'linux.falconctl', platform: 'linux', runs: '`/opt/CrowdStrike/falconctl -g --aid --rfm-state --version` (root)', gives: 'Falcon agent ID (registered), reduced functionality mode (healthy), version' },
  { id: 'linux.sentinelctl-version', platform: 'linux', runs: '`/opt/sentinelone/bin/sentinelctl version`', gives: 'SentinelOne agent version' },
  { id: 'linux.sentinelctl-control-status', platform: 'linux', runs: '`sentinelctl control status`', gives: 'SentinelOne agent state (healthy)' },
  { id: 'linux.sentinelctl-management-status', platform: 'linux', runs: '`sentinelctl management status`', gives: 'SentinelOne console connectivity, anti-tamper' },
  { id: 'linux.mdatp-health', platform: 'linux', runs: '`mdatp health --output json`', gives: 'Defender health, real-time protection, passive mode, tamper protection, definitions' },
  { id: 'linux.repcli-status', platform: 'linux', runs: '`/opt/carbonblack/psc/bin/repcli status`', gives: 'Carbon Black sensor state, registration, version' },
  { id: 'linux.cytool-runtime-query', platform: 'linux', runs: '`/opt/traps/bin/cytool runtime query`', gives: 'Cortex XDR component states' },
  { id: 'linux.bduitool-get-ps', platform: 'linux', runs: '`bduitool get ps`', gives: 'Bitdefender antimalware on/off, security content, version' },
  { id: 'linux.wazuh-agentd-state', platform: 'linux', runs: `read \`${WAZUH_STATE_FILES.linux}\``, gives: 'Wazuh manager connection state and last contact' },
  { id: 'darwin.sentinelctl-status', platform: 'darwin', runs: '`/usr/local/bin/sentinelctl status`', gives: 'SentinelOne state, protection, readiness, console connection, version' },
  { id: 'darwin.sentinelctl-version', platform: 'darwin', runs: '`sentinelctl version` (only when status lacks a version)', gives: 'SentinelOne version' },
  { id: 'darwin.mdatp-health', platform: 'darwin', runs: '`/usr/local/bin/mdatp health --output json`', gives: 'Defender health, real-time protection, passive mode, tamper protection, definitions' },
  { id: 'darwin.repcli-status', platform: 'darwin', runs: '`…/repcli.bundle/Contents/MacOS/repcli status`', gives: 'Carbon Black sensor state, Full Disk Access, registration, version' },
  { id: 'darwin.cytool-runtime-query', platform: 'darwin', runs: '`…/PaloAltoNetworks/Traps/bin/cytool runtime query`', gives: 'Cortex XDR component states' },
  { id: 'darwin.wazuh-agentd-state', platform: 'darwin', runs: `read \`${WAZUH_STATE_FILES.darwin}\``, gives: 'Wazuh manager connection state and last contact' },
];
