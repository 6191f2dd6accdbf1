/**
 * Windows MDM collector. Enrollment comes from the registry (`HKLM\SOFTWARE\Microsoft\
 * Enrollments`, one subkey per enrollment with ProviderID and EnrollmentState); join
 * state (Entra/domain/workplace, tenant) from `dsregcmd /status`. dsregcmd's MdmUrl is
 * the tenant's enrollment URL, present whether or not this device enrolled, so it never
 * decides `enrolled`.
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { MdmFacts } from '../../../shared/facts/mdm.js';
import { probeGap, stdoutText } from '../../probes/text.js';
import type { CollectContext, Observation } from '../types.js';
import { readRegQuery } from '../windows-registry.js';
import { activeEnrollments } from './parse-enrollments.js';
import { dsregcmdJoinState, parseDsregcmdStatus } from './parse-dsregcmd.js';

/** Collects MDM facts on Windows. */
export async function collectWin32Mdm(ctx: CollectContext): Promise<Observation<MdmFacts>> {
  const [dsreg, reg] = await Promise.all([
    ctx.probes.exec('win32.dsregcmd-status', 'dsregcmd', ['/status'], { timeoutMs: 15_000 }),
    ctx.probes.exec('win32.reg-enrollments', 'reg', ['query', 'HKLM\\SOFTWARE\\Microsoft\\Enrollments', '/s']),
  ]);
  const facts: MdmFacts = {};
  const gaps: Gap[] = [];

  const dsGap = probeGap(dsreg, 'azureAdJoined');
  const ds = dsGap ? undefined : parseDsregcmdStatus(stdoutText(dsreg));
  if (ds?.ok) {
    const j = dsregcmdJoinState(ds.sections);
    if (j.azureAdJoined !== undefined) facts.azureAdJoined = j.azureAdJoined;
    if (j.domainJoined !== undefined) facts.domainJoined = j.domainJoined;
    if (j.domainName) facts.domainName = j.domainName;
    if (j.workplaceJoined !== undefined) facts.workplaceJoined = j.workplaceJoined;
    if (j.tenantName) facts.tenantName = j.tenantName;
  } else {
    gaps.push(dsGap ?? { fact: 'azureAdJoined', reason: 'parse-error', probe: dsreg.key, detail: ds && !ds.ok ? ds.error : 'unrecognised' });
  }

  // No Enrollments key at all (`[]`): this Windows never enrolled anywhere.
  const enrollments = readRegQuery(reg, 'enrolled', { absentOk: true });
  if (enrollments.gap) {
    gaps.push(enrollments.gap);
    return { facts, gaps };
  }
  const active = activeEnrollments(enrollments.keys);
  facts.enrolled = active.length > 0;
  const first = active[0];
  if (first) {
    facts.provider = first.provider;
    if (first.serverUrl) facts.serverUrl = first.serverUrl;
  }
  return { facts, gaps };
}
