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

  it('falls back to English netsh when PowerShell fails and the registry was not read', async () => {
    const b = bundle('win32', [
      rec('win32.get-netfirewallprofile', { exitCode: 1, stdout: '', stderr: 'Get-NetFirewallProfile : Invalid class\n' }),
      rec('win32.netsh-advfirewall', { stdout: fixture('firewall/win32/netsh-advfirewall-state__en-all-on.txt') }),
    ]);
    const r = await replay(firewallCheck, b, REQUIRED);
    expect(r.status).toBe('pass');
    expect(r.probes).toEqual(['win32.get-netfirewallprofile', 'win32.netsh-advfirewall', 'win32.reg-firewall', 'win32.reg-firewall-policy']);
  });

  describe('registry fallback (synthetic reg output)', () => {
    const psFailed = () => rec('win32.get-netfirewallprofile', { exitCode: 1, stdout: '', stderr: 'Get-NetFirewallProfile : Invalid class\n' });
    const regLocal = (name: string) => rec('win32.reg-firewall', { stdout: fixture(`firewall/win32/reg-query-enablefirewall__synthetic-${name}.txt`) });
    // reg exits 1 with its (localised) error on stderr when the policy key does not exist.
    const noPolicy = () => rec('win32.reg-firewall-policy', { exitCode: 1, stderr: 'FEHLER: Der angegebene Registrierungsschlüssel bzw. Wert wurde nicht gefunden.\r\n' });
    const policy = (stdout: string, exitCode = 0) => rec('win32.reg-firewall-policy', { stdout, exitCode });
    const germanNetsh = () => rec('win32.netsh-advfirewall', { stdout: fixture('firewall/win32/netsh-advfirewall-state__de-DE-localised.txt') });
    const POLICY_DOMAIN_OFF = '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile\r\n    EnableFirewall    REG_DWORD    0x0\r\n\r\nEnd of search: 1 match(es) found.\r\n';

    it('reads every profile from the registry when PowerShell is unavailable and there is no policy key; netsh is not run', async () => {
      const r = await replay(firewallCheck, bundle('win32', [psFailed(), regLocal('all-on'), noPolicy(), germanNetsh()]), REQUIRED);
      expect(r.status).toBe('pass');
      expect(r.facts).toEqual({ enabled: true, profiles: [{ name: 'Domain', enabled: true }, { name: 'Private', enabled: true }, { name: 'Public', enabled: true }] });
      expect(r.probes).toEqual(['win32.get-netfirewallprofile', 'win32.reg-firewall', 'win32.reg-firewall-policy']);
      expect(r.gaps).toEqual([]);
    });

    it('fails on a Public profile switched off locally, whatever the display language (German netsh present, unused)', async () => {
      const r = await replay(firewallCheck, bundle('win32', [psFailed(), regLocal('public-off'), noPolicy(), germanNetsh()]), REQUIRED);
      expect(r.status).toBe('fail');
      expect(r.reasons).toEqual(['firewall.profile_disabled']);
      expect(r.summary).toBe('Windows Firewall is off for the Public profile.');
    });

    it('lets a Group Policy switch win over the local one', async () => {
      const r = await replay(firewallCheck, bundle('win32', [psFailed(), regLocal('all-on'), policy(POLICY_DOMAIN_OFF)]), REQUIRED);
      expect(r.status).toBe('fail');
      expect(r.facts).toMatchObject({ profiles: [{ name: 'Domain', enabled: false }, { name: 'Private', enabled: true }, { name: 'Public', enabled: true }] });
    });

    it('reads a policy key without any EnableFirewall (reg\'s zero-match trailer, exit 0 or 1) as no policy switch', async () => {
      for (const exitCode of [0, 1]) {
        const r = await replay(firewallCheck, bundle('win32', [psFailed(), regLocal('public-off'), policy('\r\nEnd of search: 0 match(es) found.\r\n', exitCode)]), REQUIRED);
        expect(r.facts).toMatchObject({ profiles: [{ name: 'Domain', enabled: true }, { name: 'Private', enabled: true }, { name: 'Public', enabled: false }] });
      }
    });

    it('falls through to English netsh when the registry cannot answer (a profile without a value)', async () => {
      const b = bundle('win32', [psFailed(), regLocal('domain-profile-missing'), noPolicy(), rec('win32.netsh-advfirewall', { stdout: fixture('firewall/win32/netsh-advfirewall-state__en-all-on.txt') })]);
      const r = await replay(firewallCheck, b, REQUIRED);
      expect(r.status).toBe('pass');
      expect(r.probes).toContain('win32.netsh-advfirewall');
    });

    it('falls through to English netsh when reg itself fails', async () => {
      const b = bundle('win32', [psFailed(), rec('win32.reg-firewall', { error: 'timeout', exitCode: null }), noPolicy(), rec('win32.netsh-advfirewall', { stdout: fixture('firewall/win32/netsh-advfirewall-state__en-all-on.txt') })]);
      const r = await replay(firewallCheck, b, REQUIRED);
      expect(r.status).toBe('pass');
    });

    it('never takes an unreadable policy key for "no policy": falls through, and with German netsh stays unknown naming every source', async () => {
      const b = bundle('win32', [psFailed(), regLocal('all-on'), policy('garbage\r\n'), germanNetsh()]);
      const r = await replay(firewallCheck, b, REQUIRED);
      expect(r.status).toBe('unknown');
      expect(r.facts).toEqual({ profiles: [] });
      expect(r.gaps[0]?.detail).toMatch(/Invalid class.*; registry fallback: win32\.reg-firewall-policy no registry key line; netsh fallback: no "<Profile> Profile Settings"/);
    });

    it('is unknown, never on, when a switch is neither 0 nor 1 and netsh is localised', async () => {
      const r = await replay(firewallCheck, bundle('win32', [psFailed(), regLocal('not-a-switch'), noPolicy(), germanNetsh()]), REQUIRED);
      expect(r.status).toBe('unknown');
      expect(r.gaps[0]?.detail).toContain('registry fallback: EnableFirewall of FirewallPolicy\\PublicProfile is REG_DWORD 0x2');
    });
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
