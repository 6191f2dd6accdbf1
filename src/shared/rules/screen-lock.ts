/**
 * The `screen_lock` rule: when required, the screen must lock by itself after at most
 * `max_idle_seconds` of inactivity. The time that counts is idle delay plus any grace
 * delay before a password is needed. A machine positively known to have no graphical
 * session has nothing to lock and passes.
 */
import type { Platform } from '../check-ids.js';
import type { ScreenLockFacts } from '../facts/screen-lock.js';
import type { ScreenLockRequirement } from '../requirements.js';
import { combineFindings, unknownFinding, type Finding, type Rule } from './findings.js';

function remediation(platform: Platform, environment: string | undefined, maxSeconds: number | undefined): string {
  const limit = maxSeconds !== undefined ? `${minutes(maxSeconds)} or less` : 'a few minutes';
  if (platform === 'darwin') {
    return `Open System Settings > Lock Screen: set "Require password after screen saver begins or display is turned off" to Immediately, and "Start Screen Saver when inactive" and "Turn display off when inactive" to ${limit}.`;
  }
  if (platform === 'win32') {
    return `Open Settings > Personalization > Lock screen > Screen saver: pick a screen saver, set Wait to ${limit} and tick "On resume, display logon screen".`;
  }
  if (environment === 'kde') {
    return `Open System Settings > Screen Locking: turn on "Lock screen automatically" after ${limit}, with a short grace period.`;
  }
  const secs = maxSeconds !== undefined ? Math.max(60, maxSeconds) : 300;
  return `Open Settings > Privacy > Screen Lock: turn on Automatic Screen Lock, and set Settings > Power > Screen Blank to ${limit} (or run \`gsettings set org.gnome.desktop.screensaver lock-enabled true; gsettings set org.gnome.desktop.session idle-delay ${secs}\`).`;
}

/** One sentence stating what was observed. */
export function describeScreenLock(facts: ScreenLockFacts | undefined): string {
  if (!facts) return 'The screen lock settings could not be read.';
  if (facts.desktop === false) return 'No graphical session: nothing to lock.';
  if (facts.enabled === false) return 'The screen does not lock automatically.';
  if (facts.enabled === true && facts.idleTimeoutSeconds === 0) return 'The screen lock is on but the screen never blanks on inactivity, so it never locks by itself.';
  if (facts.enabled === true && facts.idleTimeoutSeconds !== undefined) {
    return `The screen locks after ${minutes(effectiveSeconds(facts))} of inactivity.`;
  }
  if (facts.enabled === true) return 'The screen lock is on; its idle delay is unknown.';
  return 'The screen lock settings could not be fully read.';
}

/** Idle delay plus grace delay: how long an unattended screen stays unlocked. */
function effectiveSeconds(facts: ScreenLockFacts): number {
  return (facts.idleTimeoutSeconds ?? 0) + (facts.lockDelaySeconds ?? 0);
}

/** Judges screen lock facts against the requirement. */
export const evaluateScreenLock: Rule<ScreenLockFacts, ScreenLockRequirement> = ({ facts, gaps, requirement, platform }) => {
  const truth = describeScreenLock(facts);
  if (!requirement?.required) {
    return { status: 'pass', summary: `${truth.replace(/\.$/, '')} (not required).`, reasons: ['screen_lock.not_required'] };
  }
  const findings: Finding[] = [];
  const max = requirement.max_idle_seconds;
  const fix = remediation(platform, facts?.environment, max);
  if (!facts || facts.desktop === undefined) {
    findings.push(unknownFinding('screen_lock', 'desktop', gaps, 'whether this machine has a graphical session'));
    return combineFindings(findings, truth);
  }
  if (facts.desktop === false) {
    return { status: 'pass', summary: truth, reasons: ['screen_lock.no_desktop'] };
  }
  if (facts.enabled === undefined) {
    findings.push(unknownFinding('screen_lock', 'enabled', gaps, 'whether the screen locks automatically'));
  } else if (!facts.enabled) {
    findings.push({ status: 'fail', code: 'screen_lock.disabled', message: truth, remediation: fix });
  } else if (facts.idleTimeoutSeconds === 0) {
    findings.push({ status: 'fail', code: 'screen_lock.never_on_idle', message: truth, remediation: fix });
  } else if (max !== undefined) {
    if (facts.idleTimeoutSeconds === undefined) {
      findings.push(unknownFinding('screen_lock', 'idleTimeoutSeconds', gaps, 'how long the screen waits before locking'));
    } else if (effectiveSeconds(facts) > max) {
      findings.push({
        status: 'fail',
        code: 'screen_lock.idle_too_long',
        message: `The screen locks after ${minutes(effectiveSeconds(facts))} of inactivity; at most ${minutes(max)} is allowed.`,
        remediation: fix,
      });
    } else {
      findings.push({ status: 'pass', code: 'screen_lock.enabled', message: truth });
    }
  } else {
    findings.push({ status: 'pass', code: 'screen_lock.enabled', message: truth });
  }
  return combineFindings(findings, truth);
};

/** `300` → "5 minutes", `90` → "90 seconds". */
function minutes(seconds: number): string {
  if (seconds % 60 === 0 && seconds >= 60) {
    const m = seconds / 60;
    return `${m} minute${m === 1 ? '' : 's'}`;
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}
