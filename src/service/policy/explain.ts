/**
 * A policy in plain English, for `posture-service policy check FILE`: what each
 * segment requires, how each requirement is enforced, which groups reach it and
 * which resources live in it.
 */
import { CHECK_IDS, type CheckId } from '../../shared/check-ids.js';
import type { Requirements } from '../../shared/requirements.js';
import { describeDuration, formatDay } from './duration.js';
import { joinList } from './labels.js';
import { DEFAULT_ENFORCEMENT, type Policy, type PolicyEnforcement, type PolicySegment } from './model.js';

function describeRequirement(id: CheckId, req: Requirements): string {
  switch (id) {
    case 'os_patch': {
      const r = req.os_patch ?? {};
      const parts: string[] = [];
      if (r.max_patch_age_days !== undefined) parts.push(`updates installed within the last ${r.max_patch_age_days} days`);
      if (r.max_pending_security_updates !== undefined) {
        parts.push(r.max_pending_security_updates === 0 ? 'no pending security updates' : `at most ${r.max_pending_security_updates} pending security updates`);
      }
      if (r.require_vendor_supported) parts.push('an OS version the vendor still supports');
      if (r.fail_on_reboot_required) parts.push('no pending reboot');
      if (r.fail_on_os_update_pending) parts.push('no pending OS update');
      return parts.length > 0 ? `OS updates: ${joinList(parts)}` : 'OS updates: reported (no limits set)';
    }
    case 'disk_encryption':
      return req.disk_encryption?.required ? 'Disk encryption: the system volume must be encrypted' : 'Disk encryption: not required';
    case 'edr': {
      const r = req.edr;
      if (!r?.required) return 'EDR: not required';
      const products = r.allowed_products?.length ? `one of ${r.allowed_products.join(', ')}` : 'a known EDR product';
      const extra = [
        ...(r.require_healthy !== false ? ['healthy'] : []),
        ...(r.require_real_time_protection ? ['with real-time protection on'] : []),
      ];
      return `EDR: ${products} must be running${extra.length ? `, ${joinList(extra)}` : ''}`;
    }
    case 'mfa': {
      const r = req.mfa;
      if (!r?.required) return 'MFA: not required';
      const parts = ['the user must have signed in with MFA'];
      if (r.amr_any?.length) parts.push(`using one of ${r.amr_any.join(', ')} (amr)`);
      if (r.acr_any?.length) parts.push(`at assurance ${r.acr_any.join(' or ')} (acr)`);
      if (r.max_auth_age_seconds !== undefined) parts.push(`within the last ${describeDuration(r.max_auth_age_seconds * 1000)}`);
      return `MFA: ${parts.join(' ')}`;
    }
    case 'firewall':
      return req.firewall?.required ? 'Firewall: must be on' : 'Firewall: not required';
    case 'screen_lock': {
      const r = req.screen_lock;
      if (!r?.required) return 'Screen lock: not required';
      const idle = r.max_idle_seconds !== undefined ? ` after at most ${describeDuration(r.max_idle_seconds * 1000)} idle` : '';
      return `Screen lock: must lock${idle}`;
    }
    case 'mdm': {
      const r = req.mdm;
      if (!r?.required) return 'MDM: not required';
      return `MDM: the device must be enrolled${r.providers?.length ? ` with ${r.providers.join(' or ')}` : ''}`;
    }
  }
}

function describeEnforcement(e: PolicyEnforcement): string {
  if (e.mode === 'notify') return 'notify only: never blocks, failures are recorded';
  if (e.mode === 'warn-until' && e.untilMs !== undefined) return `warns until ${formatDay(new Date(e.untilMs))}, blocks from then on`;
  return 'blocks';
}

function explainSegment(policy: Policy, seg: PolicySegment): string[] {
  const lines = [`Segment ${seg.name}${seg.description ? `: ${seg.description}` : ''}`];
  lines.push(`  Evidence older than ${describeDuration(seg.maxEvidenceAgeMs)} (${seg.maxEvidenceAge}) no longer counts.`);
  const reqs = CHECK_IDS.filter((id) => seg.requirements[id] !== undefined);
  if (reqs.length === 0 && seg.expressions.length === 0) lines.push('  Requires nothing beyond fresh evidence.');
  for (const id of reqs) {
    lines.push(`  - ${describeRequirement(id, seg.requirements)} [${describeEnforcement(seg.enforcement.get(id) ?? DEFAULT_ENFORCEMENT)}]`);
  }
  for (const x of seg.expressions) {
    lines.push(`  - Rule ${x.name}: ${x.message} (CEL: ${x.program.source}) [${describeEnforcement(seg.enforcement.get(x.name) ?? DEFAULT_ENFORCEMENT)}]`);
  }
  const groups = [...policy.groups].filter(([, segs]) => segs.includes(seg.name)).map(([g]) => g);
  lines.push(`  Groups that reach it: ${groups.length > 0 ? groups.join(', ') : 'none (no one can use its resources)'}.`);
  const resources = policy.resources.filter((r) => r.segment === seg.name);
  if (resources.length === 0) lines.push('  Resources: none.');
  else {
    lines.push('  Resources:');
    for (const r of resources) {
      const where = r.hosts.map((h) => `${h}${r.pathPrefix}`).join(', ');
      lines.push(`    - ${r.name} at ${where}${r.description ? ` (${r.description})` : ''}`);
    }
  }
  return lines;
}

/**
 * Plain-English description of `policy`, one block per segment, then groups with
 * the segments they grant. Deterministic (policy order), ends with a newline.
 */
export function explainPolicy(policy: Policy): string {
  const lines = [
    `Policy ${policy.source} (version ${policy.document.version}, revision ${policy.revision.slice(0, 12)})`,
    'A check that cannot be verified (missing, unknown, unsupported) counts as failing.',
    '',
  ];
  for (const seg of policy.segments.values()) lines.push(...explainSegment(policy, seg), '');
  lines.push('Groups:');
  if (policy.groups.size === 0) lines.push('  none: no user can reach any resource.');
  for (const [group, segs] of policy.groups) lines.push(`  - ${group}: ${segs.length > 0 ? segs.join(', ') : 'no segments'}`);
  const deadlines = [...policy.segments.values()].flatMap((s) =>
    [...s.enforcement].filter(([, e]) => e.untilMs !== undefined).map(([k, e]) => ({ at: e.untilMs as number, text: `${formatDay(new Date(e.untilMs as number))}: ${k} starts blocking in ${s.name}` })),
  );
  if (deadlines.length > 0) {
    lines.push('', 'Deadlines:');
    for (const d of deadlines.sort((a, b) => a.at - b.at)) lines.push(`  - ${d.text}`);
  }
  return `${lines.join('\n')}\n`;
}
