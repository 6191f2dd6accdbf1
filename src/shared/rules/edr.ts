/**
 * The `edr` rule. With `required`, at least one allowed product (any known product when
 * `allowed_products` is absent or empty) must be installed and running; `require_healthy`
 * (default on) also needs it healthy and registered with its console;
 * `require_real_time_protection` needs real-time protection on where the product reports
 * it. Several products may be present: the check passes when any one satisfies
 * everything, is unknown when none fails outright but some could not be read, and fails
 * otherwise.
 *
 * Health decision: where the agent reads a product's own health verdict on this OS
 * (`HEALTH_SOURCES`), a missing verdict is `unknown` with the gap's reason, never a pass.
 * Products that expose no health the agent can read (e.g. Sophos, Elastic Endpoint,
 * Falcon on macOS/Windows) are judged by their running sensor, and the summary says so:
 * failing them for something they cannot report would make the requirement unmeetable.
 */
import type { Gap, Platform } from '../check-ids.js';
import { EDR_PRODUCT_IDS, EDR_PRODUCT_NAMES, type EdrFacts, type EdrProduct, type EdrProductId } from '../facts/edr.js';
import type { EdrRequirement } from '../requirements.js';
import { combineFindings, gapFor, unknownFinding, type Finding, type Rule, type RuleOutcome } from './findings.js';

/** Products whose own health verdict the collector reads on each OS. */
const HEALTH_SOURCES: Readonly<Record<Platform, readonly EdrProductId[]>> = {
  linux: ['crowdstrike_falcon', 'sentinelone', 'microsoft_defender', 'carbon_black', 'cortex_xdr', 'wazuh'],
  darwin: ['sentinelone', 'microsoft_defender', 'carbon_black', 'cortex_xdr', 'wazuh'],
  win32: ['microsoft_defender', 'wazuh'],
};

/** Products whose real-time protection state the collector reads (Windows: Security Center, any product). */
const RTP_SOURCES: Readonly<Record<Platform, readonly EdrProductId[]>> = {
  linux: ['microsoft_defender', 'bitdefender'],
  darwin: ['microsoft_defender', 'sentinelone'],
  win32: EDR_PRODUCT_IDS,
};

type PerOs = Partial<Record<Platform, string>>;

const START: Readonly<Partial<Record<EdrProductId, PerOs>>> = {
  crowdstrike_falcon: {
    linux: 'Start the CrowdStrike Falcon sensor: sudo systemctl start falcon-sensor',
    darwin: 'Start the CrowdStrike Falcon sensor: sudo /Applications/Falcon.app/Contents/Resources/falconctl load',
    win32: 'Start the CrowdStrike Falcon sensor: in an administrator terminal run sc start CSFalconService, or restart the PC.',
  },
  sentinelone: { linux: 'Start the SentinelOne agent: sudo systemctl start sentinelone' },
  microsoft_defender: {
    linux: 'Start Microsoft Defender: sudo systemctl start mdatp',
    win32: 'Open Windows Security > Virus & threat protection and turn protection on; if another antivirus is meant to protect this PC, ask IT which one.',
  },
  elastic_endpoint: {
    linux: 'Start Elastic Endpoint: sudo systemctl start ElasticEndpoint',
    win32: 'Start Elastic Endpoint: in an administrator terminal run sc start ElasticEndpoint, or restart the PC.',
  },
  carbon_black: { linux: 'Start the Carbon Black sensor: sudo systemctl start cbagentd' },
  cortex_xdr: { linux: 'Start the Cortex XDR agent: sudo systemctl start traps_pmd' },
  sophos: { linux: 'Start Sophos: sudo systemctl start sophos-spl' },
  wazuh: {
    linux: 'Start the Wazuh agent: sudo systemctl start wazuh-agent',
    darwin: 'Start the Wazuh agent: sudo /Library/Ossec/bin/wazuh-control start',
    win32: 'Start the Wazuh agent: in an administrator terminal run net start WazuhSvc',
  },
};

const REAL_TIME: Readonly<Partial<Record<EdrProductId, PerOs>>> = {
  microsoft_defender: {
    linux: 'Turn on real-time protection: sudo mdatp config real-time-protection --value enabled (if Defender is in passive mode on purpose, ask IT which product protects this machine).',
    darwin: 'Open Microsoft Defender > Manage settings and turn on real-time protection, or contact IT if it is managed.',
    win32: 'Open Windows Security > Virus & threat protection > Manage settings and turn on Real-time protection; if Defender is passive because another antivirus protects this PC, ask IT whether that product is approved.',
  },
};

function name(id: EdrProductId): string {
  return EDR_PRODUCT_NAMES[id];
}

function startRemediation(id: EdrProductId, platform: Platform): string {
  const where = platform === 'darwin' ? 'Mac' : platform === 'win32' ? 'PC' : 'computer';
  return START[id]?.[platform] ?? `Restart the ${where} so ${name(id)} starts; if it still is not running, contact IT to repair it.`;
}

function healthRemediation(p: EdrProduct, platform: Platform): string {
  const issues = p.issues ?? [];
  if (p.id === 'crowdstrike_falcon' && issues.includes('reduced functionality mode')) {
    return 'Update the CrowdStrike Falcon sensor to a version that supports this kernel (or boot a supported kernel); contact IT if unsure.';
  }
  if (platform === 'darwin' && issues.some((i) => /full disk access/i.test(i))) {
    return `Open System Settings > Privacy & Security > Full Disk Access and turn on the ${name(p.id)} entries, then restart the Mac.`;
  }
  return `Contact IT and tell them ${name(p.id)} reports: ${issues.length > 0 ? issues.join('; ') : 'unhealthy'}.`;
}

function registerRemediation(id: EdrProductId, platform: Platform): string {
  if (id === 'crowdstrike_falcon' && platform === 'linux') {
    return 'Contact IT to register the CrowdStrike Falcon sensor (they set its customer ID with sudo /opt/CrowdStrike/falconctl -s --cid=<CID> and restart it).';
  }
  return `Contact IT: ${name(id)} is not connected to its management console.`;
}

/** An unknown finding from the first gap recorded for any of `facts` (never an unrelated gap). */
function unknownFrom(code: string, gaps: readonly Gap[], facts: readonly string[], what: string): Finding {
  const gap = facts.map((f) => gapFor(gaps, f)).find((g) => g !== undefined);
  const reason = gap?.reason ?? 'not-collected';
  const detail = gap?.detail ? ` (${gap.detail})` : '';
  return { status: 'unknown', code, message: `Could not determine ${what}: ${reason}${detail}.`, unknownReason: reason };
}

function pass(code: string, message: string): Finding {
  return { status: 'pass', code, message };
}

function evaluateRunning(p: EdrProduct, req: EdrRequirement, platform: Platform, gaps: readonly Gap[]): Finding[] {
  const n = name(p.id);
  const findings: Finding[] = [pass('edr.running', `${n} is running.`)];
  if (req.require_healthy !== false) {
    if (p.registered === false) {
      findings.push({ status: 'fail', code: 'edr.not_registered', message: `${n} is not registered with its management console.`, remediation: registerRemediation(p.id, platform) });
    }
    if (p.healthy === false) {
      const what = (p.issues ?? []).join('; ') || 'it is unhealthy';
      findings.push({ status: 'fail', code: 'edr.unhealthy', message: `${n} reports a problem: ${what}.`, remediation: healthRemediation(p, platform) });
    } else if (p.healthy === true) {
      findings.push(pass('edr.healthy', `${n} reports itself healthy.`));
    } else if (HEALTH_SOURCES[platform].includes(p.id)) {
      findings.push(unknownFrom('edr.unknown_health', gaps, [`${p.id}.healthy`, p.id], `whether ${n} is healthy`));
    } else {
      findings.push(pass('edr.health_not_reported', `${n} reports no health status, so its running sensor is taken as healthy.`));
    }
  }
  if (req.require_real_time_protection === true) {
    if (p.realTimeProtection === false) {
      const passive = (p.issues ?? []).some((i) => /passive/i.test(i)) ? ' (passive mode)' : '';
      findings.push({
        status: 'fail',
        code: 'edr.real_time_protection_off',
        message: `${n} real-time protection is off${passive}.`,
        remediation: REAL_TIME[p.id]?.[platform] ?? `Turn on ${n} real-time protection, or contact IT.`,
      });
    } else if (p.realTimeProtection === true) {
      findings.push(pass('edr.real_time_protection_on', `${n} real-time protection is on.`));
    } else {
      const facts = [`${p.id}.realTimeProtection`, p.id, ...(platform === 'win32' ? ['security-center'] : [])];
      const gap = facts.some((f) => gapFor(gaps, f) !== undefined);
      findings.push(
        RTP_SOURCES[platform].includes(p.id) && gap
          ? unknownFrom('edr.unknown_real_time_protection', gaps, facts, `whether ${n} real-time protection is on`)
          : pass('edr.real_time_protection_not_reported', `${n} does not report real-time protection separately.`),
      );
    }
  }
  return findings;
}

function passSummary(p: EdrProduct, findings: readonly Finding[]): string {
  const codes = new Set(findings.map((f) => f.code));
  const label = `${name(p.id)}${p.version ? ` ${p.version}` : ''}`;
  let s = `${label} is running`;
  if (codes.has('edr.healthy')) s += ' and healthy';
  if (codes.has('edr.real_time_protection_on')) s += ', with real-time protection on';
  if (codes.has('edr.health_not_reported')) s += '; it reports no health status, so its running sensor is taken as healthy';
  return `${s}.`;
}

function list(ps: readonly EdrProduct[]): string {
  const names = ps.map((p) => name(p.id));
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function notRequired(products: readonly EdrProduct[], gaps: readonly Gap[]): RuleOutcome {
  const running = products.filter((p) => p.running === true);
  const idle = products.filter((p) => p.running === false);
  let summary: string;
  if (running.length > 0) summary = `${list(running)} ${running.length > 1 ? 'are' : 'is'} running (not required).`;
  else if (idle.length > 0) summary = `${list(idle)} ${idle.length > 1 ? 'are' : 'is'} installed but not running (not required).`;
  else if (products.length > 0) summary = `${list(products)} ${products.length > 1 ? 'are' : 'is'} installed; whether it runs is unknown (not required).`;
  else if (gapFor(gaps, 'processes')) summary = 'Could not tell which EDR products are running (not required).';
  else summary = 'No EDR product was found (not required).';
  return { status: 'pass', summary, reasons: ['edr.not_required'] };
}

/** Judges the `edr` facts against the requirement. */
export const evaluateEdr: Rule<EdrFacts, EdrRequirement> = ({ facts, gaps, requirement, platform }) => {
  if (!facts) return combineFindings([unknownFinding('edr', 'processes', gaps, 'which EDR products are installed')], '');
  if (!requirement?.required) return notRequired(facts.products, gaps);

  const allowed = requirement.allowed_products?.length ? requirement.allowed_products : undefined;
  const candidates = facts.products.filter((p) => !allowed || allowed.includes(p.id));
  const allowedNames = (allowed ?? []).map(name);
  const install = allowedNames.length > 0 ? allowedNames.join(' or ') : 'the endpoint protection (EDR) your organisation uses';

  if (candidates.length === 0) {
    if (gapFor(gaps, 'processes')) {
      return combineFindings([unknownFrom('edr.unknown_processes', gaps, ['processes'], 'which EDR products are running')], '');
    }
    if (facts.products.length > 0) {
      return combineFindings(
        [{ status: 'fail', code: 'edr.product_not_allowed', message: `${list(facts.products)} ${facts.products.length > 1 ? 'are' : 'is'} installed, but the policy requires ${allowedNames.join(' or ')}.`, remediation: `Contact IT to install ${install}.` }],
        '',
      );
    }
    return combineFindings([{ status: 'fail', code: 'edr.none_installed', message: 'No EDR product was found on this computer.', remediation: `Contact IT to install ${install}.` }], '');
  }

  const running = candidates.filter((p) => p.running === true);
  if (running.length === 0) {
    const unsure = candidates.filter((p) => p.running === undefined);
    if (unsure.length > 0) {
      return combineFindings([unknownFrom('edr.unknown_running', gaps, ['processes'], `whether ${list(unsure)} is running`)], '');
    }
    return combineFindings(
      candidates.map((p) => ({ status: 'fail', code: 'edr.not_running', message: `${name(p.id)} is installed but not running.`, remediation: startRemediation(p.id, platform) })),
      '',
    );
  }

  const outcomes = running.map((p) => ({ p, findings: evaluateRunning(p, requirement, platform, gaps) }));
  const passing = outcomes.find((o) => o.findings.every((f) => f.status === 'pass'));
  if (passing) return combineFindings(passing.findings, passSummary(passing.p, passing.findings));
  // None passes: unknown if one might (nothing failed), else report every failure.
  const undecided = outcomes.filter((o) => !o.findings.some((f) => f.status === 'fail'));
  if (undecided.length > 0) return combineFindings(undecided.flatMap((o) => o.findings), '');
  return combineFindings(outcomes.flatMap((o) => o.findings), '');
};
