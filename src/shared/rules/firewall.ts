/**
 * The `firewall` rule: when required, a firewall must filter inbound traffic. On Windows
 * every profile (Domain, Private, Public) must be on, since the one in use changes with
 * the network; a profile that is off fails even while another one filters.
 */
import type { Platform } from '../check-ids.js';
import type { FirewallFacts, FirewallProfile } from '../facts/firewall.js';
import type { FirewallRequirement } from '../requirements.js';
import { combineFindings, gapFor, unknownFinding, type Finding, type Rule } from './findings.js';

const REMEDIATION: Readonly<Record<Platform, string>> = {
  linux: 'Turn on a firewall that denies incoming connections by default: `sudo ufw enable` on Ubuntu/Debian, or `sudo systemctl enable --now firewalld` on Fedora, RHEL and SUSE.',
  darwin: 'Open System Settings > Network > Firewall and turn the firewall on (macOS 12 and earlier: System Preferences > Security & Privacy > Firewall).',
  win32: 'Open Windows Security > Firewall & network protection and turn Microsoft Defender Firewall on for the Domain, Private and Public networks.',
};

/** One sentence stating what was observed, whatever the requirement. */
export function describeFirewall(facts: FirewallFacts | undefined, platform: Platform): string {
  if (!facts) return 'The firewall state could not be read.';
  const on = facts.profiles.filter((p) => p.enabled);
  const off = facts.profiles.filter((p) => !p.enabled);
  if (platform === 'win32' && facts.profiles.length > 0) {
    if (off.length === 0) return `Windows Firewall is on for every profile (${names(on)}).`;
    return `Windows Firewall is off for the ${names(off)} profile${off.length > 1 ? 's' : ''}${activeNote(off)}.`;
  }
  if (facts.enabled === true) return `Firewall is on (${on.map(detail).join('; ') || 'filtering incoming connections'}).`;
  if (facts.enabled === false) {
    if (facts.profiles.length === 0) return 'No firewall is installed or turned on.';
    return `Firewall is off (${facts.profiles.map(detail).join('; ')}).`;
  }
  return on.length > 0 ? `Firewall state is only partly known (${on.map(detail).join('; ')}).` : 'The firewall state could not be fully read.';
}

/** Judges firewall facts against the requirement. */
export const evaluateFirewall: Rule<FirewallFacts, FirewallRequirement> = ({ facts, gaps, requirement, platform }) => {
  const truth = describeFirewall(facts, platform);
  if (!requirement?.required) {
    return { status: 'pass', summary: `${truth.replace(/\.$/, '')} (not required).`, reasons: ['firewall.not_required'] };
  }
  const findings: Finding[] = [];
  if (!facts) {
    findings.push(unknownFinding('firewall', 'enabled', gaps, 'whether a firewall is on'));
    return combineFindings(findings, truth);
  }
  const remediation = REMEDIATION[platform];
  const off = facts.profiles.filter((p) => !p.enabled);
  if (platform === 'win32' && off.length > 0) {
    findings.push({ status: 'fail', code: 'firewall.profile_disabled', message: truth, remediation });
  } else if (facts.enabled === false) {
    const none = facts.profiles.length === 0;
    findings.push({ status: 'fail', code: none ? 'firewall.none' : 'firewall.disabled', message: truth, remediation });
  } else if (facts.enabled === undefined) {
    const u = unknownFinding('firewall', 'enabled', gaps, 'whether a firewall is on');
    const gap = gapFor(gaps, 'enabled') ?? gaps[0];
    if (gap?.reason === 'permission' && platform === 'linux') u.remediation = 'Run the agent as root (its system service) so it can read the firewall rules.';
    findings.push(u);
  } else {
    findings.push({ status: 'pass', code: 'firewall.enabled', message: truth });
  }
  return combineFindings(findings, truth);
};

function names(profiles: readonly FirewallProfile[]): string {
  return profiles.map((p) => p.name).join(', ');
}

function activeNote(off: readonly FirewallProfile[]): string {
  return off.some((p) => p.active) ? ', which is in use now' : '';
}

function detail(p: FirewallProfile): string {
  const bits: string[] = [];
  if (p.defaultInboundBlocked === true) bits.push('blocks incoming by default');
  if (p.defaultInboundBlocked === false && p.enabled) bits.push('allows incoming by default');
  if (p.blockAllIncoming) bits.push('blocks all incoming');
  if (p.stealthMode) bits.push('stealth mode');
  const state = p.enabled ? 'on' : 'off';
  return `${p.name} ${state}${bits.length > 0 ? `, ${bits.join(', ')}` : ''}`;
}
