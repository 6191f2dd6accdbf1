import { describe, expect, it } from 'vitest';
import type { Gap } from '../../../src/shared/check-ids.js';
import type { FirewallFacts } from '../../../src/shared/facts/firewall.js';
import { evaluateFirewall } from '../../../src/shared/rules/firewall.js';

const now = new Date('2025-06-02T09:00:00Z');
const run = (facts: FirewallFacts | undefined, required: boolean | undefined, platform: 'linux' | 'darwin' | 'win32' = 'linux', gaps: Gap[] = []) =>
  evaluateFirewall({ facts, gaps, requirement: required === undefined ? undefined : { required }, now, platform });

describe('evaluateFirewall', () => {
  it('passes when a firewall blocks inbound traffic', () => {
    const r = run({ profiles: [{ name: 'ufw', enabled: true, defaultInboundBlocked: true }], enabled: true }, true);
    expect(r).toEqual({ status: 'pass', summary: 'Firewall is on (ufw on, blocks incoming by default).', reasons: ['firewall.enabled'] });
  });

  it('fails with firewall.none when nothing is installed', () => {
    const r = run({ profiles: [], enabled: false }, true);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['firewall.none']);
    expect(r.summary).toBe('No firewall is installed or turned on.');
    expect(r.remediation).toContain('sudo ufw enable');
  });

  it('fails with firewall.disabled when the firewall is off', () => {
    const r = run({ profiles: [{ name: 'socketfilterfw', enabled: false }], enabled: false }, true, 'darwin');
    expect(r.reasons).toEqual(['firewall.disabled']);
    expect(r.remediation).toContain('System Settings > Network > Firewall');
  });

  it('fails on Windows when any profile is off, even if another filters', () => {
    const facts: FirewallFacts = { profiles: [{ name: 'Domain', enabled: true }, { name: 'Private', enabled: false, active: true }, { name: 'Public', enabled: true }], enabled: true };
    const r = run(facts, true, 'win32');
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['firewall.profile_disabled']);
    expect(r.summary).toBe('Windows Firewall is off for the Private profile, which is in use now.');
  });

  it('is unknown with the gap reason when enabled was not determined, and suggests root on Linux', () => {
    const gaps: Gap[] = [{ fact: 'enabled', reason: 'permission', probe: 'linux.nft-list-ruleset', detail: 'Operation not permitted' }];
    const r = run({ profiles: [{ name: 'ufw', enabled: false }] }, true, 'linux', gaps);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('permission');
    expect(r.remediation).toContain('root');
  });

  it('is unknown when there are no facts at all', () => {
    const r = run(undefined, true, 'linux', [{ fact: '*', reason: 'timeout' }]);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('timeout');
  });

  it('passes when not required but still tells the truth', () => {
    expect(run({ profiles: [{ name: 'ufw', enabled: false }], enabled: false }, false).summary).toBe('Firewall is off (ufw off) (not required).');
    expect(run({ profiles: [], enabled: false }, undefined)).toMatchObject({ status: 'pass', reasons: ['firewall.not_required'] });
  });
});
