import { describe, expect, it } from 'vitest';
import { mdmCheck } from '../../../../src/agent/checks/mdm/index.js';
import type { ProbeRecord } from '../../../../src/shared/bundle.js';
import type { Requirements } from '../../../../src/shared/requirements.js';
import { runLive } from '../firewall/live.js';
import { absent, bundle, dir, fixture, rec, replay } from '../firewall/replay.js';

const REQ: Requirements = { mdm: { required: true } };

describe('mdm on macOS (replayed)', () => {
  it('passes an ADE-enrolled, user-approved Mac and names the provider from its server (synthetic)', async () => {
    const b = bundle('darwin', [rec('darwin.profiles-enrollment', { stdout: fixture('mdm/darwin/profiles-enrollment__dep-user-approved-server.txt') })]);
    const r = await replay(mdmCheck, b, { mdm: { required: true, providers: ['kandji', 'jamf'] } });
    expect(r.status).toBe('pass');
    expect(r.facts).toEqual({ enrolled: true, enrolledViaDep: true, userApproved: true, serverUrl: 'https://acme.kandji.io/mdm', provider: 'kandji' });
    expect(r.summary).toBe('The device is enrolled in device management with kandji through Automated Device Enrollment.');
  });

  it('fails an unmanaged Mac with enrollment steps (synthetic)', async () => {
    const r = await replay(mdmCheck, bundle('darwin', [rec('darwin.profiles-enrollment', { stdout: fixture('mdm/darwin/profiles-enrollment__not-enrolled.txt') })]), REQ);
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['mdm.not_enrolled']);
    expect(r.remediation).toContain('profiles renew -type enrollment');
  });

  it('falls back to mdmclient and reads the com.apple.mdm payload as enrolled (real capture)', async () => {
    const b = bundle('darwin', [
      rec('darwin.profiles-enrollment', { exitCode: 1, stdout: '', stderr: 'profiles: unable to get enrollment status\n' }),
      rec('darwin.mdmclient-installed-profiles', { stdout: fixture('mdm/darwin/mdmclient-QueryInstalledProfiles__mdm-payload-present.txt') }),
    ]);
    const r = await replay(mdmCheck, b, REQ);
    expect(r.status).toBe('pass');
    expect(r.facts).toEqual({ enrolled: true });
    expect(r.probes).toEqual(['darwin.mdmclient-installed-profiles', 'darwin.profiles-enrollment']);
  });

  it('is unknown, not a guess, when enrolled but the provider cannot be named and the policy lists providers', async () => {
    const b = bundle('darwin', [
      rec('darwin.profiles-enrollment', { stdout: 'garbage\n' }),
      rec('darwin.mdmclient-installed-profiles', { stdout: fixture('mdm/darwin/mdmclient-QueryInstalledProfiles__mdm-payload-present.txt') }),
    ]);
    const r = await replay(mdmCheck, b, { mdm: { required: true, providers: ['intune'] } });
    expect(r.status).toBe('unknown');
    expect(r.reasons).toEqual(['mdm.unknown_provider']);
  });

  it('is unknown not-collected when the bundle has neither probe', async () => {
    const r = await replay(mdmCheck, bundle('darwin', []), REQ);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('not-collected');
  });
});

const noEnrollmentsKey = () => rec('win32.reg-enrollments', { exitCode: 1, stdout: '', stderr: 'ERROR: The system was unable to find the specified registry key or value.\r\n' });

describe('mdm on Windows (replayed)', () => {
  it('passes an Entra-joined PC enrolled in Intune (real dsregcmd, synthetic registry)', async () => {
    const b = bundle('win32', [
      rec('win32.dsregcmd-status', { stdout: fixture('mdm/win32/dsregcmd-status__aad-joined-prt-yes-ngc-no-irregular-spacing.txt') }),
      rec('win32.reg-enrollments', { stdout: fixture('mdm/win32/reg-query-enrollments__intune-active.txt') }),
    ]);
    const r = await replay(mdmCheck, b, { mdm: { required: true, providers: ['intune'] } });
    expect(r.status).toBe('pass');
    expect(r.facts).toEqual({
      azureAdJoined: true,
      domainJoined: false,
      workplaceJoined: false,
      tenantName: 'Default Directory',
      enrolled: true,
      provider: 'intune',
      serverUrl: 'https://enrollment.manage.microsoft.com/enrollmentserver/discovery.svc',
    });
  });

  it('fails a hybrid-joined PC with no MDM enrollment: domain join is not MDM (real dsregcmd)', async () => {
    const b = bundle('win32', [rec('win32.dsregcmd-status', { stdout: fixture('mdm/win32/dsregcmd-status-section-device-state__msdocs-hybrid-joined.txt') }), noEnrollmentsKey()]);
    const r = await replay(mdmCheck, b, REQ);
    expect(r.status).toBe('fail');
    expect(r.facts).toEqual({ azureAdJoined: true, domainJoined: true, domainName: 'HYBRIDADFS', enrolled: false });
    expect(r.remediation).toContain('Access work or school');
  });

  it('reports join state from the real not-joined capture and stays unknown when the registry timed out', async () => {
    const b = bundle('win32', [rec('win32.dsregcmd-status', { stdout: fixture('mdm/win32/dsregcmd-status__not-joined.txt') }), rec('win32.reg-enrollments', { error: 'timeout', exitCode: null })]);
    const r = await replay(mdmCheck, b, REQ);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('timeout');
    expect(r.facts).toEqual({ azureAdJoined: false, domainJoined: false, workplaceJoined: false });
  });

  it('still judges enrollment when dsregcmd prints garbage', async () => {
    const b = bundle('win32', [rec('win32.dsregcmd-status', { stdout: fixture('mdm/win32/dsregcmd-status__garbage.txt') }), noEnrollmentsKey()]);
    const r = await replay(mdmCheck, b, REQ);
    expect(r.status).toBe('fail');
    expect(r.gaps).toMatchObject([{ fact: 'azureAdJoined', reason: 'parse-error' }]);
  });
});

function linux(over: Record<string, ProbeRecord> = {}): ProbeRecord[] {
  const base: Record<string, ProbeRecord> = {
    'linux.intune-dir': absent('linux.intune-dir', 'dir'),
    'linux.orbit-dir': absent('linux.orbit-dir', 'dir'),
    'linux.jcagent-conf': absent('linux.jcagent-conf'),
    'linux.ws1-hub-dir': absent('linux.ws1-hub-dir', 'dir'),
    'linux.landscape-client-conf': absent('linux.landscape-client-conf'),
    'linux.puppet-dir': absent('linux.puppet-dir', 'dir'),
    'linux.chef-dir': absent('linux.chef-dir', 'dir'),
    'linux.salt-dir': absent('linux.salt-dir', 'dir'),
  };
  return Object.values({ ...base, ...over });
}

describe('mdm on Linux (replayed, synthetic)', () => {
  it('fails when no management agent is installed', async () => {
    const r = await replay(mdmCheck, bundle('linux', linux()), REQ);
    expect(r.status).toBe('fail');
    expect(r.facts).toEqual({ enrolled: false });
  });

  it('passes a Fleet-enrolled machine (orbit node key present)', async () => {
    const r = await replay(mdmCheck, bundle('linux', linux({ 'linux.orbit-dir': dir('linux.orbit-dir', ['bin', 'certs.pem', 'osquery.db', 'secret-orbit-node-key.txt', 'secret.txt']) })), { mdm: { required: true, providers: ['fleet'] } });
    expect(r.status).toBe('pass');
    expect(r.facts).toEqual({ enrolled: true, provider: 'fleet' });
  });

  it('passes a registered JumpCloud agent', async () => {
    const r = await replay(mdmCheck, bundle('linux', linux({ 'linux.jcagent-conf': rec('linux.jcagent-conf', { kind: 'file', stdout: fixture('mdm/linux/jcagent-conf__registered.json') }) })), REQ);
    expect(r.status).toBe('pass');
    expect(r.facts).toMatchObject({ enrolled: true, provider: 'jumpcloud' });
  });

  it('is unknown when Intune is installed, since its enrollment is not readable here', async () => {
    const r = await replay(mdmCheck, bundle('linux', linux({ 'linux.intune-dir': dir('linux.intune-dir', ['bin', 'lib']) })), REQ);
    expect(r.status).toBe('unknown');
    expect(r.facts).toEqual({ installedAgents: ['intune'] });
    expect(r.summary).toContain('intune installed; its enrollment is kept per user or on the server');
  });

  it('is unknown permission when the JumpCloud config is root-only', async () => {
    const r = await replay(mdmCheck, bundle('linux', linux({ 'linux.jcagent-conf': rec('linux.jcagent-conf', { kind: 'file', error: 'permission' }) })), REQ);
    expect(r.status).toBe('unknown');
    expect(r.unknownReason).toBe('permission');
  });

  it('does not count Puppet as MDM, and says so', async () => {
    const r = await replay(mdmCheck, bundle('linux', linux({ 'linux.puppet-dir': dir('linux.puppet-dir', ['puppet', 'code']) })), REQ);
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('The device is not enrolled in device management. Puppet is configuration management, not MDM.');
  });

  it('runs live on this machine with schema-valid facts', async () => {
    // No management agent is installed in this container: enrolled false. The baseline
    // does not require MDM, so the live status is `pass` with a summary saying so.
    const { result, wallMs, schemaValid } = await runLive(mdmCheck);
    expect(schemaValid).toBe(true);
    expect(result.gaps.filter((g) => g.reason === 'internal-error')).toEqual([]);
    expect(['pass', 'fail', 'unknown']).toContain(result.status);
    expect(wallMs).toBeLessThan(500);
  });
});
