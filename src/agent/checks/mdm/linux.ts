/**
 * Linux MDM collector: looks for management agents by their install paths and, where
 * the agent leaves one, its proof of enrollment:
 * - Fleet (fleetd/orbit): `/opt/orbit/secret-orbit-node-key.txt` exists once enrolled;
 * - JumpCloud: `/opt/jc/jcagent.conf` holds a `systemKey` once registered (root-only);
 * - Microsoft Intune (`/opt/microsoft/intune`), Workspace ONE Intelligent Hub
 *   (`/opt/vmware/ws1-hub`) and Canonical Landscape (`/etc/landscape/client.conf`) keep
 *   their enrollment per user or on the server: installed, enrollment not confirmed.
 * Puppet, Chef and Salt are configuration management, not MDM: reported, never counted.
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { MdmFacts } from '../../../shared/facts/mdm.js';
import { probeGap, stdoutText } from '../../probes/text.js';
import type { ProbeOutput } from '../../probes/types.js';
import type { CollectContext, Observation } from '../types.js';
import { parseJcAgentConf, parseLandscapeClientConf } from './parse-linux-agents.js';

const FACT = 'enrolled';

/** True when the probe found its path; false when absent; a gap otherwise. */
function present(out: ProbeOutput): boolean | Gap {
  if (out.error === 'not-found') return false;
  if (out.error) return probeGap(out, FACT) ?? { fact: FACT, reason: 'probe-failed', probe: out.key };
  return true;
}

/** Collects MDM facts on Linux. */
export async function collectLinuxMdm(ctx: CollectContext): Promise<Observation<MdmFacts>> {
  const p = ctx.probes;
  const [intune, orbit, jc, ws1, landscape, puppet, chef, salt] = await Promise.all([
    p.listDir('linux.intune-dir', '/opt/microsoft/intune'),
    p.listDir('linux.orbit-dir', '/opt/orbit'),
    p.readFile('linux.jcagent-conf', '/opt/jc/jcagent.conf'),
    p.listDir('linux.ws1-hub-dir', '/opt/vmware/ws1-hub'),
    p.readFile('linux.landscape-client-conf', '/etc/landscape/client.conf'),
    p.listDir('linux.puppet-dir', '/etc/puppetlabs'),
    p.listDir('linux.chef-dir', '/etc/chef'),
    p.listDir('linux.salt-dir', '/etc/salt'),
  ]);
  const gaps: Gap[] = [];
  const enrolledWith: string[] = [];
  const unconfirmed: string[] = [];
  const note = (r: boolean | Gap): boolean => {
    if (typeof r === 'boolean') return r;
    gaps.push(r);
    return false;
  };

  if (note(present(orbit)) && stdoutText(orbit).split('\n').includes('secret-orbit-node-key.txt')) enrolledWith.push('fleet');

  if (note(present(jc))) {
    const conf = parseJcAgentConf(stdoutText(jc));
    if (!conf.ok) gaps.push({ fact: FACT, reason: 'parse-error', probe: jc.key, detail: conf.error });
    else if (conf.registered) enrolledWith.push('jumpcloud');
  }

  if (note(present(intune))) unconfirmed.push('intune');
  if (note(present(ws1))) unconfirmed.push('workspace-one');
  if (note(present(landscape))) {
    const conf = parseLandscapeClientConf(stdoutText(landscape));
    // Without an account the client was installed but never configured: not enrolled.
    if (conf.ok && conf.accountName) unconfirmed.push('landscape');
    else if (!conf.ok) gaps.push({ fact: FACT, reason: 'parse-error', probe: landscape.key, detail: conf.error });
  }

  const configManagement: string[] = [];
  if (present(puppet) === true) configManagement.push('Puppet');
  if (present(chef) === true) configManagement.push('Chef');
  if (present(salt) === true) configManagement.push('Salt');

  const facts: MdmFacts = {};
  if (configManagement.length > 0) facts.configManagement = configManagement;
  if (enrolledWith.length > 0) {
    facts.enrolled = true;
    facts.provider = enrolledWith[0] as string;
    return { facts, gaps: [] };
  }
  if (unconfirmed.length > 0) {
    facts.installedAgents = unconfirmed;
    gaps.push({ fact: FACT, reason: 'not-collected', detail: `${unconfirmed.join(', ')} installed; its enrollment is kept per user or on the server and is not readable here` });
    return { facts, gaps };
  }
  if (gaps.length === 0) facts.enrolled = false;
  return { facts, gaps };
}
