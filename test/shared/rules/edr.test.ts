import { describe, expect, it } from 'vitest';
import type { Gap, Platform } from '../../../src/shared/check-ids.js';
import type { EdrFacts, EdrProduct } from '../../../src/shared/facts/edr.js';
import type { EdrRequirement } from '../../../src/shared/requirements.js';
import { evaluateEdr } from '../../../src/shared/rules/edr.js';

const NOW = new Date('2024-06-05T12:00:00Z');
const STRICT: EdrRequirement = { required: true, require_healthy: true, require_real_time_protection: true };

function judge(products: EdrProduct[] | undefined, requirement: EdrRequirement | undefined, opts: { gaps?: Gap[]; platform?: Platform; other?: string[] } = {}) {
  const facts: EdrFacts | undefined = products ? { products, ...(opts.other ? { otherProducts: opts.other } : {}) } : undefined;
  return evaluateEdr({ facts, gaps: opts.gaps ?? [], requirement, now: NOW, platform: opts.platform ?? 'linux' });
}

const falcon: EdrProduct = { id: 'crowdstrike_falcon', installed: true, running: true, registered: true, healthy: true, version: '7.14.16703.0' };
const defender: EdrProduct = { id: 'microsoft_defender', installed: true, running: true, healthy: true, realTimeProtection: true };

describe('edr rule: nothing observed', () => {
  it('is unknown with the gap reason when there are no facts at all', () => {
    const out = judge(undefined, STRICT, { gaps: [{ fact: 'processes', reason: 'timeout' }] });
    expect(out).toMatchObject({ status: 'unknown', unknownReason: 'timeout', reasons: ['edr.unknown_processes'] });
  });

  it('is unknown, not fail, when the process list is missing and no product was found', () => {
    const out = judge([], STRICT, { gaps: [{ fact: 'processes', reason: 'not-collected', probe: 'linux.ps' }] });
    expect(out).toMatchObject({ status: 'unknown', unknownReason: 'not-collected', reasons: ['edr.unknown_processes'] });
  });
});

describe('edr rule: not required', () => {
  it('passes with no EDR but says so', () => {
    expect(judge([], { required: false })).toEqual({ status: 'pass', summary: 'No EDR product was found (not required).', reasons: ['edr.not_required'] });
    expect(judge([], undefined).summary).toBe('No EDR product was found (not required).');
  });

  it('passes and states the truth about installed products', () => {
    expect(judge([falcon], { required: false }).summary).toBe('CrowdStrike Falcon is running (not required).');
    expect(judge([{ ...falcon, running: false }, { ...defender, running: false }], undefined).summary).toBe('CrowdStrike Falcon and Microsoft Defender are installed but not running (not required).');
  });
});

describe('edr rule: presence and running', () => {
  it('fails with edr.none_installed and a remediation naming the allowed products', () => {
    expect(judge([], STRICT)).toMatchObject({ status: 'fail', reasons: ['edr.none_installed'], summary: 'No EDR product was found on this computer.' });
    expect(judge([], { required: true, allowed_products: ['sentinelone'] }).remediation).toBe('Contact IT to install SentinelOne.');
  });

  it('fails when only a product outside allowed_products is installed', () => {
    const out = judge([defender], { required: true, allowed_products: ['crowdstrike_falcon'] });
    expect(out).toMatchObject({ status: 'fail', reasons: ['edr.product_not_allowed'], summary: 'Microsoft Defender is installed, but the policy requires CrowdStrike Falcon.' });
  });

  it('treats an empty allowed_products list as any known product', () => {
    expect(judge([falcon], { required: true, allowed_products: [] }).status).toBe('pass');
  });

  it('fails an installed product that is not running with the start command for the OS', () => {
    const out = judge([{ ...falcon, running: false }], STRICT);
    expect(out).toMatchObject({ status: 'fail', reasons: ['edr.not_running'], summary: 'CrowdStrike Falcon is installed but not running.', remediation: 'Start the CrowdStrike Falcon sensor: sudo systemctl start falcon-sensor' });
    expect(judge([{ ...falcon, running: false }], STRICT, { platform: 'win32' }).remediation).toContain('sc start CSFalconService');
  });

  it('is unknown when whether the product runs could not be read', () => {
    const out = judge([{ id: 'sentinelone', installed: true }], STRICT, { gaps: [{ fact: 'processes', reason: 'permission' }] });
    expect(out).toMatchObject({ status: 'unknown', unknownReason: 'permission', reasons: ['edr.unknown_running'] });
  });
});

describe('edr rule: health', () => {
  it('passes a running, healthy, registered product', () => {
    expect(judge([falcon], STRICT)).toMatchObject({ status: 'pass', summary: 'CrowdStrike Falcon 7.14.16703.0 is running and healthy.' });
  });

  it('fails an unhealthy product and lists what it reports', () => {
    const out = judge([{ ...falcon, healthy: false, issues: ['reduced functionality mode'] }], STRICT);
    expect(out).toMatchObject({ status: 'fail', reasons: ['edr.unhealthy'], summary: 'CrowdStrike Falcon reports a problem: reduced functionality mode.' });
    expect(out.remediation).toContain('Update the CrowdStrike Falcon sensor');
  });

  it('fails a product not registered with its console', () => {
    const out = judge([{ ...falcon, registered: false, healthy: undefined }], STRICT, { gaps: [{ fact: 'crowdstrike_falcon.healthy', reason: 'probe-failed' }] });
    expect(out.status).toBe('fail');
    expect(out.reasons).toEqual(['edr.not_registered', 'edr.unknown_health']);
  });

  it('is unknown with the gap reason when a product that reports health did not say', () => {
    const out = judge([{ id: 'microsoft_defender', installed: true, running: true }], STRICT, { gaps: [{ fact: 'microsoft_defender', reason: 'permission', detail: 'must be run as root' }] });
    expect(out).toMatchObject({ status: 'unknown', unknownReason: 'permission', reasons: ['edr.unknown_health', 'edr.unknown_real_time_protection'] });
    expect(out.summary).toContain('must be run as root');
  });

  it('never passes missing health for a product with a health source, even without a gap', () => {
    const out = judge([{ id: 'sentinelone', installed: true, running: true }], { required: true });
    expect(out).toMatchObject({ status: 'unknown', unknownReason: 'not-collected' });
  });

  it('takes the running sensor as the health signal for products that report none, and says so', () => {
    const out = judge([{ id: 'sophos', installed: true, running: true }], STRICT);
    expect(out).toMatchObject({ status: 'pass', summary: 'Sophos is running; it reports no health status, so its running sensor is taken as healthy.' });
    expect(out.reasons).toContain('edr.health_not_reported');
  });

  it('ignores health when require_healthy is false', () => {
    expect(judge([{ ...falcon, healthy: false, registered: false }], { required: true, require_healthy: false })).toMatchObject({ status: 'pass', summary: 'CrowdStrike Falcon 7.14.16703.0 is running.' });
  });
});

describe('edr rule: real-time protection', () => {
  it('fails when real-time protection is off and mentions passive mode', () => {
    const out = judge([{ ...defender, realTimeProtection: false, issues: ['passive mode: another antivirus is expected to protect this device'] }], STRICT);
    expect(out).toMatchObject({ status: 'fail', reasons: ['edr.real_time_protection_off'], summary: 'Microsoft Defender real-time protection is off (passive mode).' });
  });

  it('passes with real-time protection on and says so', () => {
    expect(judge([defender], STRICT, { platform: 'darwin' }).summary).toBe('Microsoft Defender is running and healthy, with real-time protection on.');
  });

  it('does not require it when the requirement is off', () => {
    expect(judge([{ ...defender, realTimeProtection: false }], { required: true }).status).toBe('pass');
  });

  it('passes products that do not report real-time protection separately', () => {
    expect(judge([falcon], STRICT).reasons).toContain('edr.real_time_protection_not_reported');
  });

  it('is unknown on Windows when Security Center could not be read', () => {
    const out = judge([{ id: 'sentinelone', installed: true, running: true }], { required: true, require_healthy: false, require_real_time_protection: true }, { platform: 'win32', gaps: [{ fact: 'security-center', reason: 'probe-failed' }] });
    expect(out).toMatchObject({ status: 'unknown', unknownReason: 'probe-failed', reasons: ['edr.unknown_real_time_protection'] });
  });
});

describe('edr rule: several products', () => {
  it('passes when any one allowed product satisfies everything', () => {
    const out = judge([falcon, { ...defender, realTimeProtection: false }], STRICT);
    expect(out.status).toBe('pass');
    expect(out.summary).toContain('CrowdStrike Falcon');
  });

  it('is unknown when none passes but one could not be read', () => {
    const out = judge([{ ...falcon, healthy: false, issues: ['reduced functionality mode'] }, { id: 'microsoft_defender', installed: true, running: true }], STRICT, { gaps: [{ fact: 'microsoft_defender', reason: 'timeout' }] });
    expect(out).toMatchObject({ status: 'unknown', unknownReason: 'timeout' });
  });

  it('fails with every product’s failure when all fail', () => {
    const out = judge([{ ...falcon, healthy: false, issues: ['reduced functionality mode'] }, { ...defender, realTimeProtection: false }], STRICT);
    expect(out.status).toBe('fail');
    expect(out.reasons).toEqual(['edr.unhealthy', 'edr.real_time_protection_off']);
  });

  it('only counts allowed products', () => {
    const out = judge([{ ...falcon, running: false }, defender], { ...STRICT, allowed_products: ['crowdstrike_falcon'] });
    expect(out).toMatchObject({ status: 'fail', reasons: ['edr.not_running'] });
  });
});
