// The example diagnose bundles in examples/bundles/ are composed here from fixture files
// (real captures where one exists, synthetic records only where none does). This test
// keeps each committed bundle equal to what it composes and pins how it reads.
// Regenerate with: UPDATE_BUNDLES=1 POSTURE_SKIP_BUILD=1 npx vitest run test/examples
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../src/agent/checks/index.js';
import { runChecks } from '../../src/agent/checks/run-checks.js';
import { collectReplay, loadBundle } from '../../src/agent/collect.js';
import type { TextEncodingHint } from '../../src/agent/exec/decode.js';
import { fromRecord, toRecord } from '../../src/agent/probes/record.js';
import { probeKey, type ProbeOutput, type ProbeRunner } from '../../src/agent/probes/types.js';
import { AGENT_NAME, AGENT_VERSION } from '../../src/agent/version.js';
import { BUNDLE_FORMAT, type Bundle, type ProbeRecord } from '../../src/shared/bundle.js';
import type { CheckId, CheckStatus, Platform } from '../../src/shared/check-ids.js';
import { BASELINE_REQUIREMENTS } from '../../src/shared/requirements.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT_DIR = join(ROOT, 'examples', 'bundles');

/** Where a record's bytes come from: a fixture file (path under test/fixtures) or text written here. */
type Content = { fixture: string } | { text: string };

interface RecordSpec {
  key: string;
  stdout: Content;
  stderr?: Content;
  /** Default: 0 for commands, null for files and directories. */
  exitCode?: number | null;
}

interface BundleSpec {
  name: string;
  platform: Platform;
  arch: string;
  collectedAt: string;
  records: RecordSpec[];
}

const fx = (key: string, fixture: string, o: Partial<RecordSpec> = {}): RecordSpec => ({ key, stdout: { fixture }, ...o });
const syn = (key: string, text: string, o: Partial<RecordSpec> = {}): RecordSpec => ({ key, stdout: { text }, ...o });
/** A directory listing as the live runner writes it: names sorted, one per line. */
const dir = (key: string, names: readonly string[]): RecordSpec => syn(key, [...names].sort().join('\n'));

function bytes(c: Content): Buffer {
  return 'fixture' in c ? readFileSync(join(FIXTURES_DIR, c.fixture)) : Buffer.from(c.text, 'utf8');
}

/** The `source` of a fixture's `.expected.json` (`owner/repo : path @ commit`, or `synthetic: …`). */
function fixtureSource(rel: string): string {
  const file = join(FIXTURES_DIR, dirname(rel), `${basename(rel).replace(/\.[^.]+$/, '')}.expected.json`);
  const meta = JSON.parse(readFileSync(file, 'utf8')) as { source?: string };
  if (!meta.source) throw new Error(`${file} has no source`);
  return meta.source;
}

function contents(r: RecordSpec): Content[] {
  return r.stderr ? [r.stdout, r.stderr] : [r.stdout];
}

/** A record is real only when all of its bytes come from fixtures that cite a public capture. */
function isSynthetic(r: RecordSpec): boolean {
  return contents(r).some((c) => !('fixture' in c) || fixtureSource(c.fixture).startsWith('synthetic:'));
}

function realSources(spec: BundleSpec): string[] {
  const files = spec.records.flatMap((r) => (isSynthetic(r) ? [] : contents(r))).map((c) => ('fixture' in c ? `test/fixtures/${c.fixture}` : ''));
  return [...new Set(files)].sort();
}

function noteFor(spec: BundleSpec): string {
  const synthetic = spec.records.filter(isSynthetic).map((r) => r.key).sort();
  return `Composed for documentation and tests from captures of DIFFERENT machines (sources: ${realSources(spec).join(', ')}); records ${synthetic.join(', ')} are synthetic.`;
}

interface Asked {
  kind: ProbeRecord['kind'];
  command?: string;
  args?: string[];
  path?: string;
  encoding?: TextEncodingHint;
}

/**
 * Composes a bundle by running every check against the spec's records, so each record gets
 * the kind, command, arguments, path and encoding its collector asks for, exactly as
 * `posture-agent diagnose` would write them. Returns the probe keys the checks asked for
 * that the spec does not hold (replay answers them `not-collected`).
 */
async function compose(spec: BundleSpec): Promise<{ bundle: Bundle; missing: string[] }> {
  const byKey = new Map(spec.records.map((r) => [r.key, r]));
  if (byKey.size !== spec.records.length) throw new Error(`${spec.name}: duplicate record keys`);
  const asked = new Map<string, Asked>();
  const output = (key: string, probe: string, a: Asked): ProbeOutput => {
    const r = byKey.get(key);
    if (!r) return { key, probe, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: null, durationMs: 0, error: 'not-collected' };
    return {
      key,
      probe,
      stdout: bytes(r.stdout),
      stderr: r.stderr ? bytes(r.stderr) : Buffer.alloc(0),
      exitCode: r.exitCode !== undefined ? r.exitCode : a.kind === 'exec' ? 0 : null,
      durationMs: 0,
      ...(a.encoding ? { encoding: a.encoding } : {}),
    };
  };
  const ask = (probe: string, instance: string | undefined, a: Asked): Promise<ProbeOutput> => {
    const key = probeKey(probe, instance);
    if (!asked.has(key)) asked.set(key, a);
    return Promise.resolve(output(key, probe, a));
  };
  const probes: ProbeRunner = {
    exec: (probe, command, args = [], o) => ask(probe, o?.instance, { kind: 'exec', command, args: [...args], ...(o?.encoding ? { encoding: o.encoding } : {}) }),
    readFile: (probe, path, o) => ask(probe, o?.instance, { kind: 'file', path, ...(o?.encoding ? { encoding: o.encoding } : {}) }),
    listDir: (probe, path, o) => ask(probe, o?.instance, { kind: 'dir', path }),
  };
  const at = new Date(spec.collectedAt);
  await runChecks({ checks: ALL_CHECKS, context: { probes, platform: spec.platform, now: () => at, settings: {} }, requirements: BASELINE_REQUIREMENTS, requirementsSource: 'baseline', mode: 'replay' });

  const unused = spec.records.filter((r) => !asked.has(r.key)).map((r) => r.key);
  if (unused.length > 0) throw new Error(`${spec.name}: no check asks for ${unused.join(', ')}`);
  const records = [...byKey.keys()].sort().map((key) => {
    const a = asked.get(key) as Asked;
    const { encoding: _encoding, ...meta } = a;
    return toRecord(output(key, key.split('#')[0] ?? key, a), { ...meta, startedAt: spec.collectedAt });
  });
  const bundle: Bundle = {
    format: BUNDLE_FORMAT,
    agent: { name: AGENT_NAME, version: AGENT_VERSION },
    platform: spec.platform,
    arch: spec.arch,
    collectedAt: spec.collectedAt,
    note: noteFor(spec),
    probes: records,
  };
  return { bundle, missing: [...asked.keys()].filter((k) => !byKey.has(k)).sort() };
}

// One clock for every example, just after the newest capture in them (Windows 11 build
// 26200.6901, an October 2025 update; macOS 15.7.1, released 2025-09-29). Patch age is
// measured from it: the macOS history's last system update is 4374 days old, Windows'
// newest hotfix 2363 days, so os_patch fails on both (baseline: 30 days).
const COLLECTED_AT = '2025-11-03T09:00:00.000Z';

const REG_KEY_NOT_FOUND = { text: 'ERROR: The system was unable to find the specified registry key or value.\r\n' };
/** `reg query` of a key that does not exist: exit 1, nothing on stdout. */
const regAbsent = (key: string): RecordSpec => syn(key, '', { stderr: REG_KEY_NOT_FOUND, exitCode: 1 });

const MACOS_LAPTOP: BundleSpec = {
  name: 'macos-laptop',
  platform: 'darwin',
  arch: 'arm64',
  collectedAt: COLLECTED_AT,
  records: [
    fx('darwin.sw-vers', 'os_patch/darwin/sw_vers__macos-15.7.1-arm64-double-tab.txt'),
    fx('darwin.softwareupdate-list', 'os_patch/darwin/softwareupdate-list__update-available-noscan.txt'),
    fx('darwin.install-history', 'os_patch/darwin/InstallHistory-plist-file__osx-10.9-installer-vmware-xprotect.xml'),
    fx('darwin.fdesetup-status', 'disk_encryption/macos/fdesetup-status__on-master-keychain-installed.txt'),
    syn(
      'darwin.ps',
      [
        '/sbin/launchd',
        '/usr/libexec/logd',
        '/System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow',
        '/Library/Application Support/Microsoft/Defender/wdavdaemon_enterprise.app/Contents/MacOS/wdavdaemon_enterprise',
        '/Library/Application Support/Microsoft/Defender/wdavdaemon_unprivileged.app/Contents/MacOS/wdavdaemon_unprivileged',
        '/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder',
        '/System/Library/CoreServices/Dock.app/Contents/MacOS/Dock',
        '/Applications/Safari.app/Contents/MacOS/Safari',
        '',
      ].join('\n'),
    ),
    dir('darwin.install-dir#/Applications', ['Google Chrome.app', 'Microsoft Defender.app', 'Safari.app', 'Utilities']),
    dir('darwin.install-dir#/Library', ['Apple', 'Application Support', 'Audio', 'Caches', 'Extensions', 'Frameworks', 'LaunchAgents', 'LaunchDaemons', 'Logs', 'Preferences', 'Receipts', 'Security', 'SystemExtensions']),
    fx('darwin.mdatp-health', 'edr/macos/mdatp-health-json-macos__101.98.30-rtp-on-tamper-block.json'),
    fx('darwin.socketfilterfw', 'firewall/darwin/socketfilterfw-combined-getters__enabled-stealth-on.txt'),
    fx('darwin.socketfilterfw-listapps', 'firewall/darwin/socketfilterfw-listapps__six-apps.txt'),
    // No real `profiles status -type enrollment` capture exists: the record is left out, so the
    // collector falls back to the real mdmclient capture.
    fx('darwin.mdmclient-installed-profiles', 'mdm/darwin/mdmclient-QueryInstalledProfiles__mdm-payload-present.txt'),
    fx('darwin.bioutil-config', 'mfa/darwin/bioutil-r__touchid-unlock-on.txt'),
    fx('darwin.bioutil-count', 'mfa/darwin/bioutil-c__2-templates.txt'),
    // sysadminctl answers on stderr.
    { key: 'darwin.sysadminctl-screenlock', stdout: { text: '' }, stderr: { fixture: 'screen_lock/darwin/sysadminctl-screenlock__immediate.txt' } },
    fx('darwin.defaults-screensaver-idletime', 'screen_lock/darwin/defaults-idletime__600.txt'),
    fx('darwin.pmset', 'screen_lock/darwin/pmset-g__displaysleep-10.txt'),
  ],
};

/** Windows records shared by both Windows examples; `manageBde` is the one that differs. */
function windowsRecords(manageBde: string): RecordSpec[] {
  return [
    fx('win32.reg-currentversion', 'os_patch/win32/reg-query-HKLM-WindowsNT-CurrentVersion__win11-25H2-productname-says-windows-10.txt'),
    fx('win32.get-hotfix', 'os_patch/win32/get-hotfix__msdocs-3-updates.txt'),
    fx('win32.wu-pending', 'os_patch/win32/wu-pending__synthetic-none-pending.json'),
    regAbsent('win32.reg-reboot-pending#wu'),
    regAbsent('win32.reg-reboot-pending#cbs'),
    // No real capture of the agent's BitLocker CIM script exists: the record is left out, so
    // the collector falls back to manage-bde.
    fx('win32.manage-bde-status', manageBde),
    syn(
      'win32.tasklist',
      [
        '"System Idle Process","0","Services","0","8 K"',
        '"System","4","Services","0","3,412 K"',
        '"MsMpEng.exe","4120","Services","0","268,904 K"',
        '"NisSrv.exe","6384","Services","0","11,236 K"',
        '"SecurityHealthService.exe","7716","Services","0","14,020 K"',
        '"explorer.exe","5872","Console","1","162,332 K"',
        '',
      ].join('\r\n'),
    ),
    dir('win32.install-dir#C:\\Program Files', ['Common Files', 'Internet Explorer', 'ModifiableWindowsApps', 'Windows Defender', 'Windows Defender Advanced Threat Protection', 'Windows Mail', 'Windows Media Player', 'Windows NT', 'Windows Photo Viewer', 'WindowsApps', 'WindowsPowerShell']),
    dir('win32.install-dir#C:\\Program Files (x86)', ['Common Files', 'Internet Explorer', 'Microsoft', 'Windows Defender', 'Windows Mail', 'Windows Media Player', 'Windows NT', 'Windows Photo Viewer', 'WindowsPowerShell']),
    fx('win32.securitycenter2-antivirusproduct', 'edr/windows/securitycenter2-antivirusproduct-cim__defender-397568-win10-22H2.txt'),
    fx('win32.get-mpcomputerstatus', 'edr/windows/get-mpcomputerstatus__msdocs-2024-rtp-on-tamper-off.txt'),
    fx('win32.dsregcmd-status', 'mdm/win32/dsregcmd-status__aad-joined-prt-yes-ngc-no-irregular-spacing.txt'),
    fx('win32.reg-enrollments', 'mdm/win32/reg-query-enrollments__intune-active.txt'),
    // The agent's Get-NetFirewallProfile script output (no real capture exists): every profile on.
    syn(
      'win32.get-netfirewallprofile',
      '{"Profiles":[{"Name":"Domain","Enabled":"True","DefaultInboundAction":"NotConfigured"},{"Name":"Private","Enabled":"True","DefaultInboundAction":"NotConfigured"},{"Name":"Public","Enabled":"True","DefaultInboundAction":"NotConfigured"}],"ActiveCategories":["Private"]}\r\n',
    ),
    fx('win32.reg-desktop', 'screen_lock/win32/reg-query-desktop__screensaver-secure-600.txt'),
    regAbsent('win32.reg-desktop-policy'),
    regAbsent('win32.reg-inactivity-timeout'),
  ];
}

const WINDOWS_LAPTOP: BundleSpec = {
  name: 'windows-laptop',
  platform: 'win32',
  arch: 'x64',
  collectedAt: COLLECTED_AT,
  records: windowsRecords('disk_encryption/windows/manage-bde-status-C__en-used-space-only-encrypted-password-protector.txt'),
};

const WINDOWS_DE_UNENCRYPTED: BundleSpec = {
  name: 'windows-de-unencrypted',
  platform: 'win32',
  arch: 'x64',
  collectedAt: COLLECTED_AT,
  records: windowsRecords('disk_encryption/windows/manage-bde-status__de-DE-fully-decrypted-protection-off.txt'),
};

interface CheckExpectation {
  status: CheckStatus;
  reasons: string[];
  unknownReason?: string;
  /** Matched with toMatchObject. */
  facts?: Record<string, unknown>;
  gaps?: { fact: string; reason: string; probe?: string }[];
}

interface Expected {
  /** Records that are real captures (their fixture cites a public repository); every other record is synthetic. */
  real: string[];
  /** Probe keys the checks ask for that the bundle leaves out on purpose (replay answers `not-collected`). */
  missing: string[];
  overall: CheckStatus;
  checks: Record<CheckId, CheckExpectation>;
}

const NO_IDP: CheckExpectation = { status: 'unknown', reasons: ['mfa.no_identity_provider'], unknownReason: 'not-configured', gaps: [{ fact: 'issuer', reason: 'not-configured' }] };
const CIM_LEFT_OUT = { fact: 'volumes', reason: 'not-collected', probe: 'win32.bitlocker-cim' };

const WINDOWS_CHECKS: Record<CheckId, CheckExpectation> = {
  // Get-HotFix's newest update is from 2019: 2363 days before COLLECTED_AT.
  os_patch: {
    status: 'fail',
    reasons: ['os_patch.patch_too_old'],
    facts: {
      os: { name: 'Windows 11 Pro', version: '10.0.26200', build: '26200.6901', versionName: '25H2', edition: 'Professional' },
      lastUpdateInstalledAt: '2019-05-16',
      installedUpdateCount: 3,
      pendingSecurityUpdates: 0,
      rebootRequired: false,
      vendorSupported: true,
      supportEndsOn: '2027-10-12',
    },
    gaps: [],
  },
  disk_encryption: {
    status: 'pass',
    reasons: ['disk_encryption.system_volume_encrypted'],
    facts: { systemVolumeEncrypted: true, volumes: [{ mount: 'C:', system: true, state: 'on', method: 'AES 256', percentEncrypted: 100, protectionOn: true }] },
    gaps: [CIM_LEFT_OUT],
  },
  edr: {
    status: 'pass',
    reasons: ['edr.running', 'edr.healthy', 'edr.real_time_protection_on'],
    facts: { products: [{ id: 'microsoft_defender', running: true, healthy: true, realTimeProtection: true, tamperProtection: false, definitionsUpToDate: true, version: '4.18.24050.7', name: 'Windows Defender' }] },
    gaps: [],
  },
  mfa: { ...NO_IDP, facts: { localAuthenticators: [{ kind: 'platform', name: 'Windows Hello for Business', enrolled: false }] } },
  firewall: { status: 'pass', reasons: ['firewall.enabled'], facts: { enabled: true, profiles: [{ name: 'Domain', enabled: true }, { name: 'Private', enabled: true, active: true }, { name: 'Public', enabled: true }] }, gaps: [] },
  screen_lock: { status: 'pass', reasons: ['screen_lock.enabled'], facts: { enabled: true, idleTimeoutSeconds: 600 }, gaps: [] },
  mdm: { status: 'pass', reasons: ['mdm.not_required'], facts: { enrolled: true, provider: 'intune', azureAdJoined: true, domainJoined: false, tenantName: 'Default Directory' }, gaps: [] },
};

const WINDOWS_REAL = ['win32.dsregcmd-status', 'win32.get-hotfix', 'win32.get-mpcomputerstatus', 'win32.manage-bde-status', 'win32.reg-currentversion', 'win32.securitycenter2-antivirusproduct'];

const EXPECTED: Record<string, Expected> = {
  'macos-laptop': {
    real: [
      'darwin.fdesetup-status',
      'darwin.install-history',
      'darwin.mdatp-health',
      'darwin.mdmclient-installed-profiles',
      'darwin.socketfilterfw',
      'darwin.socketfilterfw-listapps',
      'darwin.softwareupdate-list',
      'darwin.sw-vers',
    ],
    missing: ['darwin.profiles-enrollment'],
    overall: 'fail',
    checks: {
      // The InstallHistory capture's last system update is OS X 10.9 (2013): 4374 days before
      // COLLECTED_AT. The softwareupdate capture offers macOS Ventura 13.3.1 (a security update).
      os_patch: {
        status: 'fail',
        reasons: ['os_patch.patch_too_old', 'os_patch.security_updates_pending'],
        facts: {
          os: { name: 'macOS', version: '15.7.1', build: '24G231' },
          lastUpdateInstalledAt: '2013-11-12T02:59:35Z',
          installedUpdateCount: 7,
          pendingUpdates: 1,
          pendingSecurityUpdates: 1,
          osUpdatePending: true,
          vendorSupported: true,
        },
        gaps: [{ fact: 'rebootRequired', reason: 'not-installed' }],
      },
      disk_encryption: { status: 'pass', reasons: ['disk_encryption.system_volume_encrypted'], facts: { systemVolumeEncrypted: true, institutionalRecoveryKey: true, volumes: [{ mount: '/System/Volumes/Data', state: 'on', method: 'FileVault' }] }, gaps: [] },
      edr: {
        status: 'pass',
        reasons: ['edr.running', 'edr.healthy', 'edr.real_time_protection_on'],
        facts: { products: [{ id: 'microsoft_defender', installed: true, running: true, healthy: true, realTimeProtection: true, tamperProtection: true, definitionsUpToDate: true, version: '101.98.30' }] },
        gaps: [],
      },
      mfa: { ...NO_IDP, facts: { localAuthenticators: [{ kind: 'platform', name: 'Touch ID', enrolled: true }] } },
      firewall: { status: 'pass', reasons: ['firewall.enabled'], facts: { enabled: true, appsAllowedIncoming: 4, profiles: [{ name: 'socketfilterfw', enabled: true, blockAllIncoming: false, stealthMode: true }] }, gaps: [] },
      screen_lock: { status: 'pass', reasons: ['screen_lock.enabled'], facts: { enabled: true, lockDelaySeconds: 0, idleTimeoutSeconds: 600 }, gaps: [] },
      mdm: { status: 'pass', reasons: ['mdm.not_required'], facts: { enrolled: true }, gaps: [] },
    },
  },
  'windows-laptop': { real: WINDOWS_REAL, missing: ['win32.bitlocker-cim'], overall: 'fail', checks: WINDOWS_CHECKS },
  'windows-de-unencrypted': {
    real: WINDOWS_REAL,
    missing: ['win32.bitlocker-cim'],
    overall: 'fail',
    checks: {
      ...WINDOWS_CHECKS,
      disk_encryption: {
        status: 'fail',
        reasons: ['disk_encryption.system_volume_unencrypted'],
        facts: { systemVolumeEncrypted: false, volumes: [{ mount: 'C:', system: true, encrypted: false, state: 'off', percentEncrypted: 0, protectionOn: false, protectors: [] }] },
        gaps: [CIM_LEFT_OUT],
      },
    },
  },
};

const SPECS = [MACOS_LAPTOP, WINDOWS_LAPTOP, WINDOWS_DE_UNENCRYPTED];

describe.each(SPECS.map((s) => [s.name, s] as const))('examples/bundles/%s.json', (name, spec) => {
  const file = join(OUT_DIR, `${name}.json`);
  const exp = EXPECTED[name];
  if (!exp) throw new Error(`no expectations for ${name}`);

  it('is exactly what its fixtures compose', async () => {
    const { bundle, missing } = await compose(spec);
    const text = `${JSON.stringify(bundle, null, 2)}\n`;
    if (process.env.UPDATE_BUNDLES === '1') {
      mkdirSync(OUT_DIR, { recursive: true });
      writeFileSync(file, text);
    }
    expect(missing).toEqual(exp.missing);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('says it is composed and names its synthetic records', () => {
    const real = spec.records.filter((r) => !isSynthetic(r)).map((r) => r.key).sort();
    expect(real).toEqual([...exp.real].sort());
    const synthetic = spec.records.filter(isSynthetic).map((r) => r.key).sort();
    expect(noteFor(spec)).toMatch(/^Composed for documentation and tests from captures of DIFFERENT machines \(sources: test\/fixtures\/.+\); records .+ are synthetic\.$/);
    expect(noteFor(spec).endsWith(`; records ${synthetic.join(', ')} are synthetic.`)).toBe(true);
    expect(noteFor(spec).length).toBeLessThanOrEqual(4096);
  });

  it('replays to the expected reading per check', async () => {
    const bundle = await loadBundle(file);
    expect(bundle.note).toBe(noteFor(spec));
    // Byte-exact: every record gives back its fixture's bytes (non-UTF-8 ones travel as base64).
    for (const r of spec.records) {
      const rec = bundle.probes.find((p) => p.key === r.key);
      if (!rec) throw new Error(`${r.key} is not in ${name}.json`);
      const out = fromRecord(rec);
      expect(out.stdout.equals(bytes(r.stdout)), r.key).toBe(true);
      expect(out.stderr.equals(r.stderr ? bytes(r.stderr) : Buffer.alloc(0)), r.key).toBe(true);
    }
    const report = await collectReplay(bundle);
    expect(report.mode).toBe('replay');
    expect(report.collectedAt).toBe(spec.collectedAt);
    expect(report.overall).toBe(exp.overall);
    expect(report.checks.map((c) => c.id).sort()).toEqual(Object.keys(exp.checks).sort());
    for (const c of report.checks) {
      const want = exp.checks[c.id];
      expect({ id: c.id, status: c.status, reasons: c.reasons, unknownReason: c.unknownReason }).toEqual({ id: c.id, status: want.status, reasons: want.reasons, unknownReason: want.unknownReason });
      if (want.facts) expect(c.facts, c.id).toMatchObject(want.facts);
      if (want.gaps) expect(c.gaps.map((g) => ({ fact: g.fact, reason: g.reason, ...(g.probe ? { probe: g.probe } : {}) })), c.id).toEqual(want.gaps);
    }
  });
});
