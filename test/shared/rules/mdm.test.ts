import { describe, expect, it } from 'vitest';
import type { Gap } from '../../../src/shared/check-ids.js';
import type { MdmFacts } from '../../../src/shared/facts/mdm.js';
import type { MdmRequirement } from '../../../src/shared/requirements.js';
import { evaluateMdm } from '../../../src/shared/rules/mdm.js';

const now = new Date('2025-06-02T09:00:00Z');
const run = (facts: MdmFacts | undefined, requirement: MdmRequirement | undefined, platform: 'linux' | 'darwin' | 'win32' = 'win32', gaps: Gap[] = []) =>
  evaluateMdm({ facts, gaps, requirement, now, platform });

describe('evaluateMdm', () => {
  it('passes an enrolled device, with or without a provider list', () => {
    expect(run({ enrolled: true, provider: 'intune' }, { required: true })).toEqual({
      status: 'pass',
      summary: 'The device is enrolled in device management with intune.',
      reasons: ['mdm.enrolled'],
    });
    expect(run({ enrolled: true, provider: 'Intune' }, { required: true, providers: ['intune'] }).status).toBe('pass');
  });

  it('fails an enrolled device whose provider is not accepted', () => {
    const r = run({ enrolled: true, provider: 'jamf' }, { required: true, providers: ['intune', 'kandji'] }, 'darwin');
    expect(r.status).toBe('fail');
    expect(r.reasons).toEqual(['mdm.provider_not_accepted']);
    expect(r.summary).toBe('The device is enrolled with jamf, which this policy does not accept (accepted: intune, kandji).');
  });

  it('is unknown when enrolled with a provider that could not be identified', () => {
    expect(run({ enrolled: true }, { required: true, providers: ['intune'] })).toMatchObject({ status: 'unknown', reasons: ['mdm.unknown_provider'] });
  });

  it('fails a device that is not enrolled, and mentions configuration management', () => {
    const r = run({ enrolled: false, configManagement: ['Puppet', 'Chef'] }, { required: true }, 'linux');
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('The device is not enrolled in device management. Puppet and Chef are configuration management, not MDM.');
    expect(r.remediation).toContain('intune-portal');
  });

  it('is unknown with the gap reason when enrollment was not read', () => {
    expect(run({}, { required: true }, 'win32', [{ fact: 'enrolled', reason: 'timeout' }])).toMatchObject({ status: 'unknown', unknownReason: 'timeout' });
    expect(run(undefined, { required: true })).toMatchObject({ status: 'unknown', unknownReason: 'not-collected' });
  });

  it('passes when not required but states the truth', () => {
    expect(run({ enrolled: false }, undefined).summary).toBe('The device is not enrolled in device management (not required).');
    expect(run({ installedAgents: ['intune'] }, { required: false }).summary).toBe('intune is installed, but enrollment could not be confirmed (not required).');
  });
});
