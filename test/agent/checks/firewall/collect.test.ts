import { describe, expect, it } from 'vitest';
import { firewallCheck } from '../../../../src/agent/checks/firewall/index.js';
import { FIREWALL_PROFILES_SCRIPT } from '../../../../src/agent/checks/firewall/parse-windows-firewall.js';
import { BASELINE_REQUIREMENTS, type Requirements } from '../../../../src/shared/requirements.js';
import { runLive } from './live.js';
import { absent, bundle, fixture, rec, replay } from './replay.js';

const REQUIRED: Requirements = { firewall: { required: true } };

const macState = (f = 'firewall/darwin/socketfilterfw-combined-getters__enabled-stealth-on.txt') => rec('darwin.socketfilterfw', { stdout: fixture(f) });
const macApps = () => rec('darwin.socketfilterfw-listapps', { stdout: fixture('firewall/darwin/socketfilterfw-listapps__six-apps.txt') });

describe('firewall on macOS (replayed)', () => {
  it('reports the Application Firewall on, with stealth mode, as a pass (real capture)', async () => {
    const r = await replay(firewallCheck, bundle('darwin', [macState(), macApps()]), REQUIRED);
    expect(r.status).toBe('pass');
    expect(r.facts).toEqual({
      profiles: [{ name: 'socketfilterfw', enabled: true, blockAllIncoming: false, stealthMode: true, defaultInboundBlocked: false }],
      enabled: true,
      appsAllowedIncoming: 4,
    });
    expect(r.reasons).toEqual(['firewall.enabled']);
    expect(r.probes).toEqual(['darwin.socketfilterfw', 'darwin.socketfilterfw-listapps']);
  });

  it('fails when the firewall is disabled, with the System Settings path', async () => {
    const r = await replay(firewallCheck, bundle('darwin', [macState('firewall/darwin/socketfilterfw__disabled-state-0.txt'), macApps()]), REQUIRED);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['firewall.disabled']);
    expect(r.remediation).toContain('System Settings > Network > Firewall');
  });

  it('falls back to mdmclient QuerySecurityInfo when socketfilterfw output is not recognised (real capture)', async () => {
    const b = bundle('darwin', [
      rec('darwin.socketfilterfw', { stdout: 'Unexpected output\n' }),
      macApps(),
      rec('darwin.mdmclient-security-info', { stdout: fixture('firewall/darwin/mdmclient-QuerySecurityInfo__fde-enabled.txt') }),
    ]);
    const r = await replay(firewallCheck, b, REQUIRED);
    expect(r.status).toBe('pass');
    expect(r.facts).toMatchObject({ enabled: true, profiles: [{ name: 'socketfilterfw', enabled: true, blockAllIncoming: false, stealthMode: false }] });
    expect(r.probes).toContain('darwin.mdmclient-security-info');
  });

  it('is unknown parse-error, never pass, when both sources answer garbage', async () => {
    const b = bundle('darwin', [rec('darwin.socketfilterfw', { stdout: '\u0000\u0001garbage\u0002\u0003\u0004\u0005' }), rec('darwin.mdmclient-security-info', { stdout: 'nonsense\n' }), macApps()]);
    const r = await replay(firewallCheck, b, REQUIRED);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('parse-error');
  });

  it('is unknown timeout when socketfilterfw timed out and mdmclient was not collected', async () => {
    const r = await replay(firewallCheck, bundle('darwin', [rec('darwin.socketfilterfw', { error: 'timeout', exitCode: null }), macApps()]), REQUIRED);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('timeout');
    expect(r.gaps[0]?.detail).toContain('mdmclient fallback');
  });

  it('is unknown not-collected when the bundle has no firewall probes at all', async () => {
    const r = await replay(firewallCheck, bundle('darwin', []), REQUIRED);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('not-collected');
  });
});

describe('firewall on Windows (replayed, synthetic output)', () => {
  it('fails when the Public profile, the one in use, is off', async () => {
    const b = bundle('win32', [rec('win32.get-netfirewallprofile', { stdout: fixture('firewall/win32/get-netfirewallprofile__script-json-public-off-in-use.json') })]);
    const r = await replay(firewallCheck, b, REQUIRED);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['firewall.profile_disabled']);
    expect(r.summary).toBe('Windows Firewall is off for the Public profile, which is in use now.');
    expect(r.remediation).toContain('Windows Security > Firewall & network protection');
  });

  it('passes on PowerShell 5.1 numeric enums with every profile on', async () => {
    const b = bundle('win32', [rec('win32.get-netfirewallprofile', { stdout: fixture('firewall/win32/get-netfirewallprofile__numeric-enums-array.json') })]);
    const r = await replay(firewallCheck, b, REQUIRED);
    expect(r.status).toBe('pass');
    expect(r.facts).toMatchObject({ enabled: true, profiles: [{ name: 'Domain', defaultInboundBlocked: true }, { name: 'Private' }, { name: 'Public', defaultInboundBlocked: false }] });
  });

  it('falls back to English netsh when PowerShell fails', async () => {
    const b = bundle('win32', [
      rec('win32.get-netfirewallprofile', { exitCode: 1, stdout: '', stderr: 'Get-NetFirewallProfile : Invalid class\n' }),
      rec('win32.netsh-advfirewall', { stdout: fixture('firewall/win32/netsh-advfirewall-state__en-all-on.txt') }),
    ]);
    const r = await replay(firewallCheck, b, REQUIRED);
    expect(r.status).toBe('pass');
    expect(r.probes).toEqual(['win32.get-netfirewallprofile', 'win32.netsh-advfirewall']);
  });

  it('stays unknown when the only answer is localised netsh text', async () => {
    const b = bundle('win32', [
      rec('win32.get-netfirewallprofile', { exitCode: 1, stdout: '' }),
      rec('win32.netsh-advfirewall', { stdout: fixture('firewall/win32/netsh-advfirewall-state__de-DE-localised.txt') }),
    ]);
    const r = await replay(firewallCheck, b, REQUIRED);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('probe-failed');
    expect(r.gaps[0]?.detail).toContain('netsh fallback');
  });

  it('runs a fixed script without interpolation', () => {
    expect(FIREWALL_PROFILES_SCRIPT).not.toMatch(/\$\{|\$env:|Invoke-Expression/);
  });
});

const noUfw = () => absent('linux.ufw-conf');
const noFirewalld = () => absent('linux.firewalld-conf');
const noNft = () => rec('linux.nft-list-ruleset', { error: 'not-installed', exitCode: null });
const noIptables = () => rec('linux.iptables-input', { error: 'not-installed', exitCode: null });

describe('firewall on Linux (replayed, synthetic output)', () => {
  it('fails with firewall.none when no firewall tool is installed at all', async () => {
    const r = await replay(firewallCheck, bundle('linux', [noUfw(), noFirewalld(), noNft(), noIptables()]), REQUIRED);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['firewall.none']);
    expect(r.facts).toEqual({ profiles: [], enabled: false });
    expect(r.remediation).toContain('sudo ufw enable');
  });

  it('passes when ufw is enabled and active with default deny', async () => {
    const b = bundle('linux', [
      rec('linux.ufw-conf', { kind: 'file', stdout: fixture('firewall/linux/ufw-conf__enabled-yes.conf') }),
      rec('linux.ufw-status', { stdout: fixture('firewall/linux/ufw-status-verbose__active-deny-incoming.txt') }),
      noFirewalld(),
      rec('linux.nft-list-ruleset', { stdout: fixture('firewall/linux/nft-list-ruleset__ufw-iptables-nft-policy-drop.json') }),
      rec('linux.iptables-input', { stdout: fixture('firewall/linux/iptables-S-INPUT__policy-drop-ufw.txt') }),
    ]);
    const r = await replay(firewallCheck, b, REQUIRED);
    expect(r.status).toBe('pass');
    expect(r.facts).toMatchObject({ enabled: true, profiles: [{ name: 'ufw', enabled: true, defaultInboundBlocked: true }, { name: 'nftables', enabled: true }, { name: 'iptables', enabled: true }] });
  });

  it('passes on firewalld running with its nftables reject rule', async () => {
    const b = bundle('linux', [
      noUfw(),
      rec('linux.firewalld-conf', { kind: 'file', stdout: fixture('firewall/linux/firewalld-conf__default-zone-public.conf') }),
      rec('linux.firewall-cmd-state', { stdout: 'running\n' }),
      rec('linux.nft-list-ruleset', { stdout: fixture('firewall/linux/nft-list-ruleset__firewalld-final-reject.json') }),
      noIptables(),
    ]);
    const r = await replay(firewallCheck, b, REQUIRED);
    expect(r.status).toBe('pass');
    expect(r.facts).toMatchObject({ profiles: [{ name: 'firewalld', enabled: true, defaultInboundBlocked: true }, { name: 'nftables', enabled: true }] });
  });

  it('fails when rules accept everything and ufw is disabled', async () => {
    const b = bundle('linux', [
      rec('linux.ufw-conf', { kind: 'file', stdout: fixture('firewall/linux/ufw-conf__enabled-no.conf') }),
      noFirewalld(),
      rec('linux.nft-list-ruleset', { stdout: fixture('firewall/linux/nft-list-ruleset__debian-default-accept.json') }),
      rec('linux.iptables-input', { stdout: fixture('firewall/linux/iptables-S-INPUT__accept-no-rules.txt') }),
    ]);
    const r = await replay(firewallCheck, b, REQUIRED);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['firewall.disabled']);
    expect(r.summary).toContain('ufw off');
  });

  it('is unknown permission, never pass, when run without root', async () => {
    const b = bundle('linux', [
      rec('linux.ufw-conf', { kind: 'file', stdout: fixture('firewall/linux/ufw-conf__enabled-yes.conf') }),
      rec('linux.ufw-status', { exitCode: 1, stdout: fixture('firewall/linux/ufw-status__not-root-error.txt') }),
      noFirewalld(),
      rec('linux.nft-list-ruleset', { exitCode: 1, stderr: 'Error: Could not process rule: Operation not permitted\n' }),
      rec('linux.iptables-input', { exitCode: 4, stderr: 'iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n' }),
    ]);
    const r = await replay(firewallCheck, b, REQUIRED);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('permission');
    expect(r.gaps.map((g) => g.reason)).toEqual(['permission', 'permission', 'permission']);
    expect(r.remediation).toContain('root');
  });

  it('is unknown parse-error when nft prints garbage and nothing else answers', async () => {
    const b = bundle('linux', [noUfw(), noFirewalld(), rec('linux.nft-list-ruleset', { stdout: fixture('firewall/linux/nft-list-ruleset__truncated.json') }), noIptables()]);
    const r = await replay(firewallCheck, b, REQUIRED);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('parse-error');
  });

  it('passes but states the truth when the firewall is off and not required', async () => {
    const r = await replay(firewallCheck, bundle('linux', [noUfw(), noFirewalld(), noNft(), noIptables()]), { firewall: { required: false } });
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('No firewall is installed or turned on (not required).');
  });

  it('runs live on this machine with schema-valid facts', async () => {
    // This Debian 12 container (root) has no ufw, firewalld, nft or iptables installed, so
    // the live reading is `fail` with `firewall.none`; on a machine with a firewall it passes.
    const { result, wallMs, schemaValid } = await runLive(firewallCheck);
    expect(schemaValid).toBe(true);
    expect(result.reasons).not.toContain('firewall.internal_error');
    expect(result.gaps.filter((g) => g.reason === 'internal-error')).toEqual([]);
    expect(['pass', 'fail', 'unknown']).toContain(result.status);
    expect(wallMs).toBeLessThan(500);
    expect(BASELINE_REQUIREMENTS.firewall?.required).toBe(true);
  });
});
