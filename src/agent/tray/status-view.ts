/**
 * The status presenter: turns the tray model into the `StatusView` the window renders and
 * the tray, menu and notifications derive from. Pure; the clock and time zone are inputs.
 */
import { Value } from '@sinclair/typebox/value';
import type { CheckId, Platform } from '../../shared/check-ids.js';
import { CHECK_IDS } from '../../shared/check-ids.js';
import type { CheckView, ResourceView, StatusView, WarningView } from '../../shared/ipc.js';
import { BASELINE_REQUIREMENTS, RequirementsSchema, type Requirements } from '../../shared/requirements.js';
import type { LastResult } from '../state/agent-state.js';
import { CHECK_TITLES, day, keyFacts, remediationSteps, requirementText } from './check-details.js';
import { settingsLinkFor } from './settings-links.js';
import { trayStateOf, warningsOf, type TrayModel } from './tray-model.js';

export interface StatusViewOptions {
  now: Date;
  platform: Platform;
  /** IANA zone for times in sentences (the window formats its own times); default UTC. */
  timeZone?: string;
  /** The service URL from managed configuration or settings, for the enrolment screen. */
  serviceUrl?: string;
  /** True when managed configuration fixes the service URL (the field is read-only). */
  serviceUrlLocked?: boolean;
}

/** Subjects for warning sentences, by the check id that starts a warning's code. */
const WARNING_SUBJECTS: Readonly<Record<CheckId, string>> = {
  os_patch: 'An up-to-date OS',
  disk_encryption: 'Disk encryption',
  edr: 'A running EDR agent',
  mfa: 'MFA',
  firewall: 'Firewall',
  screen_lock: 'Screen lock',
  mdm: 'MDM enrolment',
};

/** Builds the view; never throws for odd stored data (it shows less instead). */
export function buildStatusView(model: TrayModel, opts: StatusViewOptions): StatusView {
  const state = trayStateOf(model, opts.now);
  const last = model.agent?.last;
  const requirements = requirementsFor(model);
  const checks = (model.report?.checks ?? []).map((c): CheckView => {
    const failing = c.status === 'fail' || c.status === 'unknown';
    const steps = remediationSteps(c.remediation);
    return {
      id: c.id,
      title: CHECK_TITLES[c.id],
      status: c.status,
      summary: c.summary,
      facts: keyFacts(c),
      requirement: requirementText(c.id, requirements),
      remediation: failing && (steps.length > 0 || settingsLinkFor(opts.platform, c.id)) ? { steps, settings: settingsLinkFor(opts.platform, c.id) } : null,
    };
  });
  const resources = resourceViews(last);
  const warnings = warningViews(last);
  const view: StatusView = {
    state,
    headline: '',
    platform: opts.platform,
    device: model.agent ? { id: model.agent.deviceId, user: model.agent.user, service: model.agent.service } : null,
    checks,
    judgedAgainst: model.report?.requirementsSource ?? 'none',
    resources,
    warnings,
    lastAttestedAt: last?.attestedAt ?? null,
    tokenExpiresAt: last?.expiresAt ?? null,
    offlineSince: state === 'offline' ? (model.offlineSince ?? null) : null,
    problem: model.problem ?? null,
    enrollment: { serviceUrl: opts.serviceUrl ?? model.agent?.service ?? null, serviceUrlLocked: opts.serviceUrlLocked ?? false },
    generatedAt: opts.now.toISOString(),
  };
  view.headline = headlineFor(view, opts);
  return view;
}

function requirementsFor(model: TrayModel): Requirements | undefined {
  const source = model.report?.requirementsSource;
  if (source === 'baseline') return BASELINE_REQUIREMENTS;
  const r = model.agent?.last?.requirements;
  return r && Value.Check(RequirementsSchema, r) ? r : undefined;
}

function resourceViews(last: LastResult | undefined): ResourceView[] {
  return Object.entries(last?.resources ?? {})
    .map(([name, v]) => ({ name, decision: v.decision === 'allow' ? ('allow' as const) : ('deny' as const), reason: v.message }))
    .sort((a, b) => (a.decision === b.decision ? a.name.localeCompare(b.name) : a.decision === 'deny' ? -1 : 1));
}

function warningViews(last: LastResult | undefined): WarningView[] {
  const out: WarningView[] = [];
  for (const [resource, v] of Object.entries(last?.resources ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    for (const w of warningsOf(v)) {
      const check = CHECK_IDS.find((id) => w.code === id || w.code.startsWith(`${id}.`));
      const text = check && w.until ? `${WARNING_SUBJECTS[check]} required for ${resource} from ${day(w.until)}` : w.message.replace(/\.$/, '');
      if (!out.some((o) => o.text === text)) out.push({ text, resource, until: w.until ?? null });
    }
  }
  return out;
}

function headlineFor(v: StatusView, opts: StatusViewOptions): string {
  const failing = v.checks.filter((c) => c.status === 'fail').map((c) => c.title.toLowerCase());
  switch (v.state) {
    case 'unenrolled':
      return 'This device is not enrolled yet: enter the enrolment code from your administrator.';
    case 'checking':
      return 'Checking this device…';
    case 'offline': {
      const since = v.offlineSince ? ` since ${clock(v.offlineSince, opts)}` : '';
      const expiry = v.tokenExpiresAt ? (Date.parse(v.tokenExpiresAt) > opts.now.getTime() ? `; your last result is valid until ${clock(v.tokenExpiresAt, opts)}` : '; your last result has expired') : '';
      return `Offline${since}: the posture service cannot be reached${expiry}.`;
    }
    case 'non_compliant': {
      const denied = v.resources.filter((r) => r.decision === 'deny').map((r) => r.name);
      const what = denied.length ? `Access to ${list(denied)} is blocked` : 'This device does not meet the policy';
      return failing.length ? `${what}: fix ${list(failing)}.` : `${what}.`;
    }
    case 'warning':
      return `This device meets the policy, with ${v.warnings.length === 1 ? 'one warning' : `${v.warnings.length} warnings`}: ${v.warnings[0]?.text ?? 'see below'}.`;
    case 'compliant':
      return v.resources.length ? `This device meets the policy: ${v.resources.length === 1 ? 'your one resource is' : `all ${v.resources.length} resources are`} allowed.` : 'This device meets the policy.';
  }
}

function clock(iso: string, opts: StatusViewOptions): string {
  const fmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: opts.timeZone ?? 'UTC' });
  return fmt.format(new Date(iso));
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
