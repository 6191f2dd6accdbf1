import { describe, expect, it } from 'vitest';
import { requirementsForDevice } from '../../../src/service/policy/index.js';
import { examplePolicy, mustLoad } from './doubles.js';

describe('requirementsForDevice', () => {
  it('merges a data scientist\'s segments to the strictest requirements', () => {
    const { requirements, segments, conflicts } = requirementsForDevice(examplePolicy(), ['data-scientists']);
    expect(segments).toEqual(['experimentation', 'data-storage', 'training']);
    expect(conflicts).toEqual([]);
    expect(requirements.os_patch).toEqual({ max_patch_age_days: 30, max_pending_security_updates: 0, require_vendor_supported: true });
    expect(requirements.edr).toEqual({ required: true, require_healthy: true, require_real_time_protection: true });
    expect(requirements.mfa).toEqual({ required: true, amr_any: ['mfa', 'hwk', 'otp', 'swk'], max_auth_age_seconds: 43200 });
    expect(requirements.screen_lock).toEqual({ required: true, max_idle_seconds: 900 });
    expect(requirements.mdm).toEqual({ required: true });
  });

  it('gives a contractor only the experimentation requirements', () => {
    const { requirements, segments } = requirementsForDevice(examplePolicy(), ['contractors', 'unknown-group']);
    expect(segments).toEqual(['experimentation']);
    expect(requirements.os_patch?.max_patch_age_days).toBe(60);
    expect(requirements.screen_lock?.max_idle_seconds).toBe(1800);
  });

  it('gives nothing to a user without segments', () => {
    expect(requirementsForDevice(examplePolicy(), [])).toEqual({ requirements: {}, segments: [], conflicts: [] });
  });

  it('intersects allowed lists, treats absent as any, and reports empty intersections', () => {
    const p = mustLoad(`version: 1
segments:
  a: { requirements: { edr: { required: true, allowed_products: [crowdstrike_falcon, sentinelone], require_healthy: false }, mfa: { required: false, amr_any: [hwk, otp] } } }
  b: { requirements: { edr: { required: false, allowed_products: [sentinelone, microsoft_defender] }, mfa: { required: true } } }
  c: { requirements: { mdm: { required: true, providers: [intune] } } }
  d: { requirements: { mdm: { required: false, providers: [jamf] } } }
groups:
  g: { segments: [a, b] }
  h: { segments: [c, d] }
`);
    const ab = requirementsForDevice(p, ['g']).requirements;
    expect(ab.edr).toEqual({ required: true, allowed_products: ['sentinelone'], require_healthy: false });
    expect(ab.mfa).toEqual({ required: true, amr_any: ['hwk', 'otp'] });
    const cd = requirementsForDevice(p, ['h']);
    expect(cd.requirements.mdm).toEqual({ required: true, providers: ['intune'] });
    expect(cd.conflicts).toEqual(['mdm.providers: c and d share no allowed value']);
  });

  it('keeps EDR healthy when one segment leaves it at its default', () => {
    const p = mustLoad(`version: 1
segments:
  a: { requirements: { edr: { required: true } } }
  b: { requirements: { edr: { required: true, require_healthy: false } } }
groups:
  g: { segments: [a, b] }
`);
    expect(requirementsForDevice(p, ['g']).requirements.edr?.require_healthy).toBe(true);
  });
});
