import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { edrCheck } from '../../../../src/agent/checks/edr/index.js';
import { runChecks } from '../../../../src/agent/checks/run-checks.js';
import { ALLOWED_COMMANDS } from '../../../../src/agent/exec/allowlist.js';
import { createCommandRunner } from '../../../../src/agent/exec/run-command.js';
import { createLiveProbeRunner } from '../../../../src/agent/probes/live-runner.js';
import { createReplayProbeRunner } from '../../../../src/agent/probes/replay-runner.js';
import { BUNDLE_FORMAT, type Bundle, type ProbeRecord } from '../../../../src/shared/bundle.js';
import type { Platform } from '../../../../src/shared/check-ids.js';
import type { CheckResult } from '../../../../src/shared/check-result.js';
import { EdrFactsSchema, type EdrFacts, type EdrProduct } from '../../../../src/shared/facts/edr.js';
import { BASELINE_REQUIREMENTS, type EdrRequirement } from '../../../../src/shared/requirements.js';
import { FIXTURES_DIR } from '../../../helpers/fixtures.js';

const AT = '2024-06-05T12:00:00.000Z';

function fixture(path: string): Buffer {
  return readFileSync(join(FIXTURES_DIR, 'edr', path));
}

/** A probe record whose stdout is `out` (a fixture's bytes or text). */
function rec(key: string, out: Buffer | string, extra: Partial<ProbeRecord> = {}): ProbeRecord {
  const bytes = typeof out === 'string' ? Buffer.from(out, 'utf8') : out;
  const utf8 = bytes.toString('utf8');
  const stdout = Buffer.from(utf8, 'utf8').equals(bytes) && !utf8.includes('\u0000') ? { stdout: utf8 } : { stdoutBase64: bytes.toString('base64') };
  const probe = key.split('#')[0] ?? key;
  const kind = key.includes('install-dir') ? 'dir' : key.includes('state') && !key.includes('status') ? 'file' : 'exec';
  return { key, probe, kind, startedAt: AT, durationMs: 1, exitCode: kind === 'exec' ? 0 : null, ...stdout, ...extra };
}

function failed(key: string, error: ProbeRecord['error'], extra: Partial<ProbeRecord> = {}): ProbeRecord {
  return { ...rec(key, ''), exitCode: null, error, ...extra };
}

async function replay(platform: Platform, probes: ProbeRecord[], edr: EdrRequirement | undefined = BASELINE_REQUIREMENTS.edr): Promise<CheckResult> {
  const bundle: Bundle = { format: BUNDLE_FORMAT, agent: { name: 'test', version: '0' }, platform, collectedAt: AT, note: 'composed from test/fixtures/edr', probes };
  const report = await runChecks({
    checks: [edrCheck],
    context: { probes: createReplayProbeRunner(bundle), platform, now: () => new Date(AT), settings: {} },
    requirements: edr ? { edr } : {},
    requirementsSource: 'baseline',
    mode: 'replay',
  });
  const result = report.checks[0];
  if (!result) throw new Error('no edr result');
  return result;
}

function product(r: CheckResult, id: EdrProduct['id']): EdrProduct | undefined {
  return (r.facts as EdrFacts).products?.find((p) => p.id === id);
}

const LINUX_OPT_EMPTY = [rec('linux.install-dir#/opt', 'containerd\ngoogle'), rec('linux.install-dir#/var', 'cache\nlib\nlog')];

describe('edr on macOS (replayed)', () => {
  const psSentinelCortex = rec('darwin.ps', fixture('macos/synthetic-ps-comm__full-paths-sentinelone-cortex.txt'));
  const dirs = [rec('darwin.install-dir#/Applications', 'Safari.app\nSentinelOne'), rec('darwin.install-dir#/Library', 'Sentinel\nApplication Support')];

  it('reports a running, enabled, connected SentinelOne with protection on as passing', async () => {
    const r = await replay('darwin', [psSentinelCortex, ...dirs, rec('darwin.sentinelctl-status', fixture('macos/sentinelctl-status-macos__24.1.2-protection-enabled-connected.txt'))]);
    expect(r.status).toBe('pass');
    expect(product(r, 'sentinelone')).toMatchObject({ installed: true, running: true, healthy: true, realTimeProtection: true, registered: true, version: '24.1.2.7444' });
    // Cortex XDR runs too, but its cytool probe is not in the bundle: unknown for it, not for the check.
    expect(r.gaps).toContainEqual(expect.objectContaining({ fact: 'cortex_xdr', reason: 'not-collected' }));
    expect(r.summary).toBe('SentinelOne 24.1.2.7444 is running and healthy, with real-time protection on.');
  });

  it('reports Microsoft Defender with real-time protection on and tamper protection blocking as passing', async () => {
    const r = await replay('darwin', [
      rec('darwin.ps', '/sbin/launchd\n/Library/Application Support/Microsoft/Defender/wdavdaemon_enterprise.app/Contents/MacOS/wdavdaemon_enterprise\n'),
      rec('darwin.install-dir#/Applications', 'Microsoft Defender.app'),
      rec('darwin.install-dir#/Library', ''),
      rec('darwin.mdatp-health', fixture('macos/mdatp-health-json-macos__101.98.30-rtp-on-tamper-block.json')),
    ]);
    expect(r.status).toBe('pass');
    expect(product(r, 'microsoft_defender')).toMatchObject({ running: true, healthy: true, realTimeProtection: true, tamperProtection: true, definitionsUpToDate: true, version: '101.98.30' });
  });

  it('fails Carbon Black without Full Disk Access and says where to grant it', async () => {
    const r = await replay('darwin', [
      rec('darwin.ps', '/sbin/launchd\n/Library/SystemExtensions/X/com.vmware.carbonblack.cloud.se-agent.extension.systemextension/Contents/MacOS/com.vmware.carbonblack.cloud.se-agent.extension\n'),
      rec('darwin.install-dir#/Applications', 'VMware Carbon Black Cloud'),
      rec('darwin.install-dir#/Library', ''),
      rec('darwin.repcli-status', fixture('macos/carbonblack-repcli-status__macos.txt')),
    ]);
    expect(r.status).toBe('fail');
    expect(r.reasons).toContain('edr.unhealthy');
    expect(product(r, 'carbon_black')?.issues).toContain('Full Disk Access is not granted to the sensor');
    expect(r.remediation).toContain('Privacy & Security > Full Disk Access');
  });

  it('passes Cortex XDR with every component running; it reports no separate real-time protection', async () => {
    const r = await replay('darwin', [
      rec('darwin.ps', '/Library/Application Support/PaloAltoNetworks/Traps/bin/pmd\n/Library/Application Support/PaloAltoNetworks/Traps/bin/cortex xdr.app/Contents/MacOS/cortex xdr\n'),
      rec('darwin.install-dir#/Applications', 'Cortex XDR.app'),
      rec('darwin.install-dir#/Library', ''),
      rec('darwin.cytool-runtime-query', fixture('macos/cortex-xdr-cytool-runtime-query-macos__8.2.1-all-running.txt')),
    ]);
    expect(r.status).toBe('pass');
    expect(r.reasons).toEqual(expect.arrayContaining(['edr.healthy', 'edr.real_time_protection_not_reported']));
  });

  it('is unknown (not-collected) when the bundle has no process list and no install listing', async () => {
    const r = await replay('darwin', []);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('not-collected');
  });
});

describe('edr on Linux (replayed)', () => {
  const psFalcon = rec('linux.ps', fixture('linux/synthetic-ps-comm__debian-with-falcon-and-truncated-elastic.txt'));
  const optFalcon = [rec('linux.install-dir#/opt', 'CrowdStrike\ncontainerd'), rec('linux.install-dir#/var', 'lib\nlog')];

  it('passes a running, registered Falcon sensor in normal mode', async () => {
    const r = await replay('linux', [psFalcon, ...optFalcon, rec('linux.falconctl', fixture('linux/synthetic-falconctl-combined__registered-normal-mode.txt'))]);
    expect(r.status).toBe('pass');
    expect(product(r, 'crowdstrike_falcon')).toMatchObject({ running: true, registered: true, healthy: true, version: '7.14.16703.0' });
    // elastic-endpoint appears cut to 15 characters and is still recognised (no health source: running counts).
    expect(product(r, 'elastic_endpoint')).toMatchObject({ running: true });
  });

  it('fails a Falcon sensor without an agent ID as not registered', async () => {
    const r = await replay('linux', [psFalcon, ...optFalcon, rec('linux.falconctl', fixture('linux/falconctl-linux-g-options__cid-set-aid-unset.txt'), { exitCode: 1 })], { required: true, allowed_products: ['crowdstrike_falcon'] });
    expect(r.status).toBe('fail');
    expect(r.reasons).toContain('edr.not_registered');
    expect(r.remediation).toContain('falconctl -s --cid=');
  });

  it('fails a Falcon sensor in reduced functionality mode', async () => {
    // The real `-g --rfm-state` capture stands in for the combined probe's output.
    const r = await replay('linux', [psFalcon, ...optFalcon, rec('linux.falconctl', fixture('linux/falconctl-linux-g-rfm-state__true-reduced-functionality.txt'))], { required: true, allowed_products: ['crowdstrike_falcon'] });
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('reduced functionality mode');
  });

  it('is unknown with permission when falconctl must be run as root', async () => {
    const r = await replay('linux', [psFalcon, ...optFalcon, rec('linux.falconctl', '', { exitCode: 1, stderr: 'Error: This program must be run as root\n' })], { required: true, allowed_products: ['crowdstrike_falcon'], require_healthy: true });
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('permission');
  });

  it('fails an installed Falcon sensor that is not running and says how to start it', async () => {
    const r = await replay('linux', [rec('linux.ps', 'systemd\nbash\n'), ...optFalcon]);
    expect(r.status).toBe('fail');
    expect(r.reasons).toContain('edr.not_running');
    expect(product(r, 'crowdstrike_falcon')).toMatchObject({ installed: true, running: false });
    expect(r.remediation).toBe('Start the CrowdStrike Falcon sensor: sudo systemctl start falcon-sensor');
  });

  it('fails Defender in passive mode under a real-time protection requirement, and passes it without one', async () => {
    const probes = [rec('linux.ps', 'systemd\nwdavdaemon\n'), rec('linux.install-dir#/opt', 'microsoft'), rec('linux.install-dir#/opt/microsoft', 'mdatp'), rec('linux.install-dir#/var', ''), rec('linux.mdatp-health', fixture('linux/mdatp-health-json-linux__101.23062-passive-mode-rtp-off.json'))];
    const strict = await replay('linux', probes);
    expect(strict.status).toBe('fail');
    expect(strict.reasons).toEqual(['edr.real_time_protection_off']);
    expect(strict.summary).toBe('Microsoft Defender real-time protection is off (passive mode).');
    expect(strict.remediation).toContain('sudo mdatp config real-time-protection --value enabled');
    const lenient = await replay('linux', probes, { required: true, require_healthy: true });
    expect(lenient.status).toBe('pass');
  });

  it('reads mdatp JSON after a stray line', async () => {
    const r = await replay('linux', [rec('linux.ps', 'wdavdaemon\n'), ...LINUX_OPT_EMPTY, rec('linux.mdatp-health', fixture('linux/synthetic-mdatp-health-json__stray-line-then-json.txt'))], { required: true });
    expect(r.status).toBe('pass');
    expect(product(r, 'microsoft_defender')).toMatchObject({ healthy: true, realTimeProtection: false });
  });

  it('is unknown (parse-error), never pass, when mdatp health output is cut off', async () => {
    const r = await replay('linux', [rec('linux.ps', 'wdavdaemon\n'), ...LINUX_OPT_EMPTY, rec('linux.mdatp-health', fixture('linux/synthetic-mdatp-health-json__truncated.json'))]);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('parse-error');
  });

  it('passes SentinelOne from its three sentinelctl outputs', async () => {
    // The real capture is `version && engines status && control status && management status`
    // concatenated; each probe gets its own part of it.
    const lines = fixture('linux/sentinelctl-linux-version-engines-control-management__30.1.1-agent-enabled.txt').toString('utf8').split('\n');
    const r = await replay('linux', [
      rec('linux.ps', 's1-agent\ns1-orchestrator\n'),
      rec('linux.install-dir#/opt', 'sentinelone'),
      rec('linux.install-dir#/var', ''),
      rec('linux.sentinelctl-version', lines.slice(0, 4).join('\n')),
      rec('linux.sentinelctl-control-status', lines.slice(11, 19).join('\n')),
      rec('linux.sentinelctl-management-status', lines.slice(19).join('\n')),
    ]);
    expect(r.status).toBe('pass');
    expect(product(r, 'sentinelone')).toMatchObject({ version: '30.1.1.10', healthy: true, registered: true, tamperProtection: true });
    expect(product(r, 'sentinelone')?.source).toEqual(['linux.ps', 'linux.install-dir#/opt', 'linux.sentinelctl-version', 'linux.sentinelctl-control-status', 'linux.sentinelctl-management-status']);
  });

  it('passes Carbon Black with sensor enabled and registered', async () => {
    const r = await replay('linux', [rec('linux.ps', 'cbagentd\n'), rec('linux.install-dir#/opt', 'carbonblack'), rec('linux.install-dir#/var', ''), rec('linux.repcli-status', fixture('linux/carbonblack-repcli-status__linux.txt'))]);
    expect(r.status).toBe('pass');
    expect(product(r, 'carbon_black')).toMatchObject({ healthy: true, registered: true, version: '2.14.0.1234321' });
  });

  it('passes Bitdefender on its running sensor and says it reports no health', async () => {
    const r = await replay('linux', [rec('linux.ps', 'bdsecd\n'), rec('linux.install-dir#/opt', 'bitdefender-security-tools'), rec('linux.install-dir#/var', ''), rec('linux.bduitool-get-ps', fixture('linux/bitdefender-bduitool-get-ps-linux__7.0.3-antimalware-on.txt'))]);
    expect(r.status).toBe('pass');
    expect(product(r, 'bitdefender')).toMatchObject({ realTimeProtection: true, definitionsUpToDate: true, version: '7.0.3.2239' });
    expect(r.summary).toContain('reports no health status');
  });

  it('passes a connected Wazuh agent and records its last contact', async () => {
    const r = await replay('linux', [rec('linux.ps', 'wazuh-agentd\n'), rec('linux.install-dir#/opt', ''), rec('linux.install-dir#/var', 'ossec'), rec('linux.wazuh-agentd-state', fixture('linux/synthetic-wazuh-agentd-state__connected.state'))]);
    expect(r.status).toBe('pass');
    expect(product(r, 'wazuh')).toMatchObject({ healthy: true, registered: true, lastCloudContact: '2024-05-06T09:10:05' });
  });

  it('fails with edr.none_installed when nothing is installed or running', async () => {
    const r = await replay('linux', [rec('linux.ps', 'systemd\nsshd\n'), ...LINUX_OPT_EMPTY]);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['edr.none_installed']);
    expect(r.facts).toEqual({ products: [] });
  });

  it('is unknown (timeout) when the process list timed out', async () => {
    const r = await replay('linux', [failed('linux.ps', 'timeout', { errorDetail: 'no answer after 5000 ms' }), ...LINUX_OPT_EMPTY]);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('timeout');
  });

  it('is unknown (parse-error), never pass, when the process list is garbage', async () => {
    const r = await replay('linux', [rec('linux.ps', fixture('linux/synthetic-ps-comm__binary-garbage.bin')), ...LINUX_OPT_EMPTY]);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('parse-error');
  });
});

describe('edr on Windows (replayed)', () => {
  const sc = rec('win32.securitycenter2-antivirusproduct', fixture('windows/securitycenter2-antivirusproduct-cim__defender-397568-win10-22H2.txt'));
  const noDirs = [rec('win32.install-dir#C:\\Program Files', 'Common Files\nWindows Defender'), rec('win32.install-dir#C:\\Program Files (x86)', 'Common Files')];

  it('passes Defender with real-time protection on; Falcon runs alongside', async () => {
    const r = await replay('win32', [rec('win32.tasklist', fixture('windows/synthetic-tasklist-csv__defender-and-falcon.txt')), ...noDirs, sc, rec('win32.get-mpcomputerstatus', fixture('windows/get-mpcomputerstatus__msdocs-2024-rtp-on-tamper-off.txt'))]);
    expect(r.status).toBe('pass');
    expect(product(r, 'microsoft_defender')).toMatchObject({ name: 'Windows Defender', running: true, healthy: true, realTimeProtection: true, tamperProtection: false, definitionsUpToDate: true, version: '4.18.24050.7' });
    expect(product(r, 'crowdstrike_falcon')).toMatchObject({ running: true });
  });

  it('passes the 2013 Defender that lacks tamper-protection fields', async () => {
    const r = await replay('win32', [rec('win32.tasklist', '"MsMpEng.exe","1","Services","0","1 K"\r\n'), ...noDirs, sc, rec('win32.get-mpcomputerstatus', fixture('windows/get-mpcomputerstatus__msdocs-2013-legacy-fields.txt'))]);
    expect(r.status).toBe('pass');
    expect(product(r, 'microsoft_defender')?.tamperProtection).toBeUndefined();
  });

  it('fails Defender in passive mode under a real-time protection requirement', async () => {
    const r = await replay('win32', [rec('win32.tasklist', '"MsMpEng.exe","1","Services","0","1 K"\r\n'), ...noDirs, sc, rec('win32.get-mpcomputerstatus', fixture('windows/synthetic-get-mpcomputerstatus__passive-mode.txt'))]);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['edr.real_time_protection_off']);
    expect(r.remediation).toContain('Windows Security > Virus & threat protection');
  });

  it('is unknown (probe-failed) when Get-MpComputerStatus fails with a German error', async () => {
    const r = await replay('win32', [
      rec('win32.tasklist', '"MsMpEng.exe","1","Services","0","1 K"\r\n'),
      ...noDirs,
      rec('win32.securitycenter2-antivirusproduct', ''),
      rec('win32.get-mpcomputerstatus', '', { exitCode: 1, stderr: fixture('windows/synthetic-get-mpcomputerstatus__german-error.txt').toString('utf8') }),
    ]);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('probe-failed');
  });

  it('falls back to WMIC (UTF-16) when the CIM query fails, and lists unknown products separately', async () => {
    const r = await replay('win32', [
      rec('win32.tasklist', '"CSFalconService.exe","1","Services","0","1 K"\r\n'),
      ...noDirs,
      rec('win32.securitycenter2-antivirusproduct', '', { exitCode: 1, stderr: fixture('windows/synthetic-securitycenter2-antivirusproduct-cim__german-invalid-namespace.txt').toString('utf8') }),
      rec('win32.wmic-antivirusproduct', fixture('windows/synthetic-wmic-antivirusproduct-displayname-list__utf16le-two-products.txt')),
      failed('win32.get-mpcomputerstatus', 'timeout'),
    ], { required: true, allowed_products: ['crowdstrike_falcon'], require_healthy: true });
    expect(r.status).toBe('pass');
    expect(product(r, 'crowdstrike_falcon')).toMatchObject({ name: 'CrowdStrike Falcon Sensor', running: true });
    expect(product(r, 'microsoft_defender')).toMatchObject({ name: 'Windows Defender', running: false });
  });

  it('fails with edr.none_installed when only an unrecognised antivirus is registered, and names it', async () => {
    const r = await replay('win32', [rec('win32.tasklist', '"avp.exe","1","Services","0","1 K"\r\n'), ...noDirs, rec('win32.securitycenter2-antivirusproduct', fixture('windows/synthetic-securitycenter2-antivirusproduct-cim__defender-off-and-kaspersky.txt'))], { required: true, allowed_products: ['crowdstrike_falcon', 'sentinelone'] });
    expect(r.status).toBe('fail');
    expect((r.facts as EdrFacts).otherProducts).toEqual(['Kaspersky Endpoint Security für Windows']);
    // Defender is registered (off) but not running: it is installed, just not allowed here.
    expect(r.reasons).toEqual(['edr.product_not_allowed']);
    expect(r.remediation).toBe('Contact IT to install CrowdStrike Falcon or SentinelOne.');
  });
});

describe('edr on Windows: Defender real-time protection from the registry (synthetic reg output)', () => {
  const noDirs = [rec('win32.install-dir#C:\\Program Files', 'Common Files\nWindows Defender'), rec('win32.install-dir#C:\\Program Files (x86)', 'Common Files')];
  const defenderRunning = rec('win32.tasklist', '"MsMpEng.exe","1","Services","0","1 K"\r\n');
  // As in the watcher's cheap reading: no PowerShell, no wmic.
  const noPowerShell = [failed('win32.securitycenter2-antivirusproduct', 'not-collected'), failed('win32.wmic-antivirusproduct', 'not-collected'), failed('win32.get-mpcomputerstatus', 'not-collected')];
  const local = (name: string) => rec('win32.reg-defender-rtp', fixture(`windows/synthetic-reg-query-defender-rtp__${name}.txt`));
  const policy1 = () => rec('win32.reg-defender-rtp-policy', fixture('windows/synthetic-reg-query-defender-rtp-policy__disabled-1.txt'));
  const policy0 = () => rec('win32.reg-defender-rtp-policy', '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows Defender\\Real-Time Protection\r\n    DisableRealtimeMonitoring    REG_DWORD    0x0\r\n\r\n');
  const noPolicyKey = () => rec('win32.reg-defender-rtp-policy', '', { exitCode: 1, stderr: 'ERROR: The system was unable to find the specified registry key or value.\r\n' });
  const RTP_GAP = 'microsoft_defender.realTimeProtection';

  it('reports RTP off from DisableRealtimeMonitoring 1 in the local key, failing Defender exactly as Get-MpComputerStatus RealTimeProtectionEnabled False does', async () => {
    const r = await replay('win32', [defenderRunning, ...noDirs, ...noPowerShell, local('disabled-1'), noPolicyKey()]);
    expect(product(r, 'microsoft_defender')).toMatchObject({ running: true, realTimeProtection: false, issues: ['real-time protection is off'], source: ['win32.tasklist', 'win32.reg-defender-rtp'] });
    expect(product(r, 'microsoft_defender')?.healthy).toBeUndefined();
    expect(r.status).toBe('fail');
    expect(r.reasons[0]).toBe('edr.real_time_protection_off');

    const mp = await replay('win32', [defenderRunning, ...noDirs, rec('win32.securitycenter2-antivirusproduct', ''), rec('win32.get-mpcomputerstatus', 'AMServiceEnabled : True\r\nAntivirusEnabled : True\r\nRealTimeProtectionEnabled : False\r\n')]);
    expect(mp.status).toBe('fail');
    expect(mp.reasons).toEqual(['edr.real_time_protection_off']);
    expect(product(mp, 'microsoft_defender')).toMatchObject({ realTimeProtection: false, issues: ['real-time protection is off'] });
    expect(r.summary).toBe(mp.summary);
    expect(r.remediation).toBe(mp.remediation);
  });

  it('reports RTP off from DisableRealtimeMonitoring 1 set by Group Policy', async () => {
    const r = await replay('win32', [defenderRunning, ...noDirs, ...noPowerShell, local('value-absent'), policy1()]);
    expect(product(r, 'microsoft_defender')).toMatchObject({ realTimeProtection: false, source: ['win32.tasklist', 'win32.reg-defender-rtp-policy'] });
    expect(r.status).toBe('fail');
  });

  it.each([
    ['0 in the local key', 'enabled-0'],
    ['absent', 'value-absent'],
  ])('never reports RTP on from a value %s: the fact stays out, with a gap saying the registry does not confirm it', async (_what, name) => {
    const r = await replay('win32', [defenderRunning, ...noDirs, ...noPowerShell, local(name), noPolicyKey()]);
    expect(product(r, 'microsoft_defender')).toEqual({ id: 'microsoft_defender', installed: true, running: true, source: ['win32.tasklist'] });
    const gap = r.gaps.find((g) => g.fact === RTP_GAP);
    expect(gap).toMatchObject({ reason: 'not-collected', probe: 'win32.reg-defender-rtp' });
    expect(gap?.detail).toMatch(/^registry does not confirm real-time protection on \(DisableRealtimeMonitoring is 0 or absent/);
    expect(r.status).toBe('unknown');
  });

  it('lets a Group Policy 0 win over a local 1 (RTP not reported off, still not confirmed on)', async () => {
    const r = await replay('win32', [defenderRunning, ...noDirs, ...noPowerShell, local('disabled-1'), policy0()]);
    expect(product(r, 'microsoft_defender')?.realTimeProtection).toBeUndefined();
    expect(r.gaps.find((g) => g.fact === RTP_GAP)).toMatchObject({ probe: 'win32.reg-defender-rtp-policy' });
  });

  it('does not read a local 1 as off when the policy key cannot be read (it might override)', async () => {
    const r = await replay('win32', [defenderRunning, ...noDirs, ...noPowerShell, local('disabled-1'), failed('win32.reg-defender-rtp-policy', 'timeout')]);
    expect(product(r, 'microsoft_defender')?.realTimeProtection).toBeUndefined();
    expect(r.gaps.find((g) => g.fact === RTP_GAP)).toMatchObject({ reason: 'timeout', probe: 'win32.reg-defender-rtp-policy' });
  });

  it('gives an unrecognised value as a parse-error gap, never a reading', async () => {
    const r = await replay('win32', [defenderRunning, ...noDirs, ...noPowerShell, local('not-a-switch'), noPolicyKey()]);
    expect(product(r, 'microsoft_defender')?.realTimeProtection).toBeUndefined();
    expect(r.gaps.find((g) => g.fact === RTP_GAP)).toMatchObject({ reason: 'parse-error', detail: 'DisableRealtimeMonitoring is REG_DWORD 0x2, not a REG_DWORD 0 or 1' });
  });

  it('reads the registry also when Get-MpComputerStatus fails in a full attestation (German error)', async () => {
    const r = await replay('win32', [
      defenderRunning,
      ...noDirs,
      rec('win32.securitycenter2-antivirusproduct', ''),
      rec('win32.get-mpcomputerstatus', '', { exitCode: 1, stderr: fixture('windows/synthetic-get-mpcomputerstatus__german-error.txt').toString('utf8') }),
      local('disabled-1'),
      noPolicyKey(),
    ]);
    expect(product(r, 'microsoft_defender')?.realTimeProtection).toBe(false);
  });

  it('never reads the registry when Get-MpComputerStatus answers (the full attestation path is unchanged)', async () => {
    const sc = rec('win32.securitycenter2-antivirusproduct', fixture('windows/securitycenter2-antivirusproduct-cim__defender-397568-win10-22H2.txt'));
    const r = await replay('win32', [defenderRunning, ...noDirs, sc, rec('win32.get-mpcomputerstatus', fixture('windows/get-mpcomputerstatus__msdocs-2024-rtp-on-tamper-off.txt')), local('disabled-1'), policy1()]);
    expect(r.status).toBe('pass');
    expect(product(r, 'microsoft_defender')?.realTimeProtection).toBe(true);
    expect(r.probes.filter((p) => p.startsWith('win32.reg-'))).toEqual([]);
  });

  it('never reads the registry when Defender is not detected (no MsMpEng, not registered)', async () => {
    const r = await replay('win32', [rec('win32.tasklist', '"CSFalconService.exe","1","Services","0","1 K"\r\n'), ...noDirs, ...noPowerShell, local('disabled-1'), policy1()]);
    expect(r.probes.filter((p) => p.startsWith('win32.reg-') || p === 'win32.get-mpcomputerstatus')).toEqual([]);
  });
});

describe('edr live on this machine', () => {
  it('collects schema-valid facts quickly with the real Linux collector', async () => {
    const runner = createLiveProbeRunner({ commands: createCommandRunner(ALLOWED_COMMANDS, 'linux') });
    const t0 = performance.now();
    const report = await runChecks({
      checks: [edrCheck],
      context: { probes: runner, platform: 'linux', now: () => new Date(), settings: {} },
      requirements: BASELINE_REQUIREMENTS,
      requirementsSource: 'baseline',
      mode: 'live',
    });
    const ms = performance.now() - t0;
    const r = report.checks[0];
    expect(r).toBeDefined();
    expect(Value.Check(EdrFactsSchema, r?.facts)).toBe(true);
    expect(r?.status).not.toBe('unsupported');
    expect(r?.reasons).not.toContain('edr.internal_error');
    expect(runner.records().map((x) => x.key)).toContain('linux.ps');
    // This dev container (Debian 12, root, no EDR): ps lists no EDR process and /opt has
    // no vendor folder, so the baseline (EDR required) fails with edr.none_installed.
    expect(r?.status).toBe('fail');
    expect(r?.reasons).toEqual(['edr.none_installed']);
    expect(ms).toBeLessThan(500);
  });
});
