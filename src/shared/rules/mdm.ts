/**
 * The `mdm` rule: when required, the device must be enrolled in device management, with
 * one of the accepted providers when the policy names some. Configuration management
 * (Puppet, Chef, Salt) is reported but never counts as MDM.
 */
import type { Platform } from '../check-ids.js';
import type { MdmFacts } from '../facts/mdm.js';
import type { MdmRequirement } from '../requirements.js';
import { combineFindings, unknownFinding, type Finding, type Rule } from './findings.js';

const REMEDIATION: Readonly<Record<Platform, string>> = {
  darwin: "Enroll this Mac in your organisation's MDM: open the enrollment link IT gave you, or on a company-owned Mac run `sudo profiles renew -type enrollment`; then approve the profile in System Settings > Privacy & Security > Profiles.",
  win32: 'Open Settings > Accounts > Access work or school > Connect, sign in with your work account and let the device enroll in device management.',
  linux: "Install your organisation's management agent and enroll this machine (for Intune: install `intune-portal` and sign in with your work account).",
};

/** One sentence stating what was observed. */
export function describeMdm(facts: MdmFacts | undefined): string {
  if (!facts) return 'The device management state could not be read.';
  const cm = facts.configManagement?.length ? ` ${list(facts.configManagement)} ${facts.configManagement.length > 1 ? 'are' : 'is'} configuration management, not MDM.` : '';
  if (facts.enrolled === true) {
    const who = facts.provider ? ` with ${facts.provider}` : '';
    const dep = facts.enrolledViaDep ? ' through Automated Device Enrollment' : '';
    return `The device is enrolled in device management${who}${dep}.${cm}`;
  }
  if (facts.enrolled === false) return `The device is not enrolled in device management.${cm}`;
  if (facts.installedAgents?.length) return `${list(facts.installedAgents)} ${facts.installedAgents.length > 1 ? 'are' : 'is'} installed, but enrollment could not be confirmed.${cm}`;
  return `The device management state could not be read.${cm}`;
}

/** Judges MDM facts against the requirement. */
export const evaluateMdm: Rule<MdmFacts, MdmRequirement> = ({ facts, gaps, requirement, platform }) => {
  const truth = describeMdm(facts);
  if (!requirement?.required) {
    return { status: 'pass', summary: `${truth.replace(/\.$/, '')} (not required).`, reasons: ['mdm.not_required'] };
  }
  const findings: Finding[] = [];
  const remediation = REMEDIATION[platform];
  if (!facts || facts.enrolled === undefined) {
    findings.push(unknownFinding('mdm', 'enrolled', gaps, 'whether the device is enrolled in device management'));
  } else if (!facts.enrolled) {
    findings.push({ status: 'fail', code: 'mdm.not_enrolled', message: truth, remediation });
  } else {
    const accepted = requirement.providers?.filter((p) => p.trim() !== '') ?? [];
    if (accepted.length === 0) {
      findings.push({ status: 'pass', code: 'mdm.enrolled', message: truth });
    } else if (!facts.provider) {
      findings.push({
        status: 'unknown',
        code: 'mdm.unknown_provider',
        message: `The device is enrolled in device management, but the provider could not be identified (accepted: ${accepted.join(', ')}).`,
        unknownReason: 'not-collected',
      });
    } else if (accepted.some((p) => p.toLowerCase() === facts.provider?.toLowerCase())) {
      findings.push({ status: 'pass', code: 'mdm.enrolled', message: truth });
    } else {
      findings.push({
        status: 'fail',
        code: 'mdm.provider_not_accepted',
        message: `The device is enrolled with ${facts.provider}, which this policy does not accept (accepted: ${accepted.join(', ')}).`,
        remediation: `Enroll the device with one of: ${accepted.join(', ')}. Ask IT to move it.`,
      });
    }
  }
  return combineFindings(findings, truth);
};

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}
