/**
 * The `os_patch` rule: judges OS patch facts against a segment's requirement. Pure: no
 * Node imports. A requirement whose fact was not observed makes the check unknown with
 * the collector's reason; it never passes.
 */
import type { Gap, Platform } from '../check-ids.js';
import type { OsInfo, OsPatchFacts } from '../facts/os-patch.js';
import type { OsPatchRequirement } from '../requirements.js';
import { combineFindings, gapFor, unknownFinding, type Finding, type Rule } from './findings.js';

const CHECK = 'os_patch';
const DAY_MS = 86_400_000;

/** Evaluates `os_patch` facts against `max_patch_age_days`, `max_pending_security_updates`, `require_vendor_supported`, `fail_on_reboot_required` and `fail_on_os_update_pending`. */
export const evaluateOsPatch: Rule<OsPatchFacts, OsPatchRequirement> = ({ facts, gaps, requirement, now, platform }) => {
  // No facts at all: the first gap is the cause, whichever fact it names.
  if (!facts) return combineFindings([unknownFinding(CHECK, 'facts', gaps.length > 0 ? gaps : [{ fact: '*', reason: 'not-collected' }], 'the OS patch level')], '');
  const req = requirement ?? {};
  const findings: Finding[] = [];
  const os = osLabel(facts.os);

  if (req.max_patch_age_days !== undefined) findings.push(patchAge(facts, req.max_patch_age_days, gaps, now, platform));

  if (req.max_pending_security_updates !== undefined) {
    const n = facts.pendingSecurityUpdates;
    const max = req.max_pending_security_updates;
    if (n === undefined) findings.push(unknown('pendingSecurityUpdates', gaps, 'how many security updates are pending'));
    else if (n > max) {
      findings.push({
        status: 'fail',
        code: `${CHECK}.security_updates_pending`,
        message: `${count(n, 'security update')} ${n === 1 ? 'is' : 'are'} waiting to be installed (at most ${max} allowed).`,
        remediation: updateSteps(platform, facts.packageManager),
      });
    } else findings.push({ status: 'pass', code: `${CHECK}.security_updates_ok`, message: '' });
  }

  if (req.require_vendor_supported) {
    if (facts.vendorSupported === undefined) findings.push(unknown('vendorSupported', gaps, `whether ${os} still receives security updates`));
    else if (!facts.vendorSupported) {
      findings.push({
        status: 'fail',
        code: `${CHECK}.os_unsupported`,
        message: `${os} no longer receives security updates from its vendor${facts.supportEndsOn ? ` (support ended ${facts.supportEndsOn})` : ''}.`,
        remediation: upgradeSteps(platform, facts.os),
      });
    } else findings.push({ status: 'pass', code: `${CHECK}.os_supported`, message: '' });
  }

  if (req.fail_on_reboot_required) {
    if (facts.rebootRequired === undefined) findings.push(unknown('rebootRequired', gaps, 'whether a restart is pending'));
    else if (facts.rebootRequired) {
      findings.push({ status: 'fail', code: `${CHECK}.reboot_required`, message: 'Installed updates need a restart to take effect.', remediation: rebootSteps(platform) });
    } else findings.push({ status: 'pass', code: `${CHECK}.no_reboot_pending`, message: '' });
  }

  if (req.fail_on_os_update_pending) {
    if (facts.osUpdatePending === undefined) findings.push(unknown('osUpdatePending', gaps, 'whether an OS update is waiting'));
    else if (facts.osUpdatePending) {
      findings.push({ status: 'fail', code: `${CHECK}.os_update_pending`, message: `An update of ${os} itself is waiting to be installed.`, remediation: osUpdateSteps(platform, facts.packageManager) });
    } else findings.push({ status: 'pass', code: `${CHECK}.no_os_update_pending`, message: '' });
  }

  return combineFindings(findings, passSummary(facts, req, now));
};

function patchAge(facts: OsPatchFacts, max: number, gaps: readonly Gap[], now: Date, platform: Platform): Finding {
  const steps = updateSteps(platform, facts.packageManager);
  if (facts.lastUpdateInstalledAt !== undefined) {
    const age = ageDays(facts.lastUpdateInstalledAt, now);
    if (age === undefined) {
      return { status: 'unknown', code: `${CHECK}.unknown_lastupdateinstalledat`, message: `Could not read the last update time "${facts.lastUpdateInstalledAt}".`, unknownReason: 'parse-error' };
    }
    if (age > max) {
      return { status: 'fail', code: `${CHECK}.patch_too_old`, message: `Updates were last installed ${count(age, 'day')} ago (${day(facts.lastUpdateInstalledAt)}); at most ${max} days are allowed.`, remediation: steps };
    }
    return { status: 'pass', code: `${CHECK}.patch_recent`, message: '' };
  }
  const since = facts.updateHistoryStartsAt;
  const sinceAge = since !== undefined ? ageDays(since, now) : undefined;
  if (since !== undefined && sinceAge !== undefined && sinceAge > max) {
    return { status: 'fail', code: `${CHECK}.no_update_in_history`, message: `No update has been installed since at least ${day(since)} (${count(sinceAge, 'day')}); at most ${max} days are allowed.`, remediation: steps };
  }
  return unknown('lastUpdateInstalledAt', gaps, 'when updates were last installed');
}

/** Days from `iso` to `now` (0 for a future time), or undefined when `iso` is not a date. */
function ageDays(iso: string, now: Date): number | undefined {
  // Offset-less values (Linux package logs) are device-local time; Date.parse reads them so.
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, Math.floor((now.getTime() - t) / DAY_MS));
}

function unknown(fact: string, gaps: readonly Gap[], what: string): Finding {
  const own = gapFor(gaps, fact) ?? gapFor(gaps, '*');
  const list: readonly Gap[] = own ? [own] : [{ fact, reason: 'not-collected', detail: 'the collector did not report it' }];
  return unknownFinding(CHECK, fact, list, what);
}

function passSummary(facts: OsPatchFacts, req: OsPatchRequirement, now: Date): string {
  const notes: string[] = [];
  const last = facts.lastUpdateInstalledAt;
  const age = last !== undefined ? ageDays(last, now) : undefined;
  if (age !== undefined) notes.push(age === 0 ? 'updates installed today' : `updates installed ${count(age, 'day')} ago`);
  if (facts.pendingSecurityUpdates !== undefined) notes.push(facts.pendingSecurityUpdates === 0 ? 'no security updates pending' : `${count(facts.pendingSecurityUpdates, 'security update')} pending`);
  else if (facts.pendingUpdates !== undefined) notes.push(`${count(facts.pendingUpdates, 'update')} pending`);
  if (facts.vendorSupported === false) notes.push(`no longer supported by its vendor${req.require_vendor_supported ? '' : ' (not required)'}`);
  else if (facts.vendorSupported && facts.supportEndsOn) notes.push(`supported until ${facts.supportEndsOn}`);
  if (facts.rebootRequired) notes.push(`restart pending${req.fail_on_reboot_required ? '' : ' (not required)'}`);
  if (facts.osUpdatePending) notes.push(`OS update available${req.fail_on_os_update_pending ? '' : ' (not required)'}`);
  const judged = Object.values(req).some((v) => v !== undefined && v !== false);
  const tail = judged ? '' : ' No patch requirements apply.';
  return `${osLabel(facts.os)}: ${notes.length > 0 ? notes.join('; ') : 'patch state observed'}.${tail}`.slice(0, 1000);
}

function osLabel(os: OsInfo): string {
  if (os.prettyName) return os.prettyName;
  const parts = [os.name ?? (os.platform === 'darwin' ? 'macOS' : os.platform === 'win32' ? 'Windows' : 'Linux'), os.version].filter(Boolean);
  return parts.join(' ');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

const LINUX_UPDATE: Readonly<Record<string, string>> = {
  apt: 'Run `sudo apt update && sudo apt upgrade`.',
  dnf: 'Run `sudo dnf upgrade --refresh`.',
  yum: 'Run `sudo yum update`.',
  zypper: 'Run `sudo zypper refresh && sudo zypper patch`.',
  pacman: 'Run `sudo pacman -Syu`.',
  apk: 'Run `sudo apk upgrade --update-cache`.',
};

function updateSteps(platform: Platform, pm: string | undefined): string {
  if (platform === 'darwin') return 'Open System Settings › General › Software Update and install the available updates.';
  if (platform === 'win32') return 'Open Settings › Windows Update, select Check for updates, and install the updates.';
  return (pm && LINUX_UPDATE[pm]) || "Install your distribution's updates with its package manager.";
}

function rebootSteps(platform: Platform): string {
  if (platform === 'darwin') return 'Restart the Mac (Apple menu › Restart) to finish installing updates.';
  if (platform === 'win32') return 'Restart Windows (Start › Power › Update and restart) to finish installing updates.';
  return 'Restart the computer (`sudo reboot`) to finish installing updates.';
}

function osUpdateSteps(platform: Platform, pm: string | undefined): string {
  if (platform === 'darwin') return 'Install the macOS update in System Settings › General › Software Update, then restart.';
  if (platform === 'win32') return 'Install the pending Windows update in Settings › Windows Update, then restart.';
  return `${updateSteps(platform, pm)} Then restart to run the new kernel.`;
}

function upgradeSteps(platform: Platform, os: OsInfo): string {
  if (platform === 'darwin') return 'Upgrade macOS in System Settings › General › Software Update; if this Mac cannot run a supported macOS, replace it.';
  if (platform === 'win32') return 'Install the latest Windows feature update in Settings › Windows Update (or move to an edition that is still supported).';
  switch (os.id) {
    case 'ubuntu':
      return 'Upgrade to a supported Ubuntu release with `sudo do-release-upgrade`.';
    case 'debian':
      return 'Upgrade to a supported Debian release (see https://www.debian.org/releases/).';
    case 'fedora':
      return 'Upgrade to a supported Fedora release with `sudo dnf system-upgrade` (see https://docs.fedoraproject.org/en-US/quick-docs/upgrading-fedora-offline/).';
    default:
      return `Upgrade to a release of ${os.name ?? 'your distribution'} that still receives security updates.`;
  }
}
