/**
 * A device's state as the CURRENT policy sees it. Verdicts are computed at attestation
 * time; when the policy has changed since (hot reload), the device's last verified
 * evidence is re-evaluated under the new policy on first use, so a tightened policy
 * applies to the next request, not only after the next attestation.
 */
import type { PostureContext } from './app-types.js';
import type { CachedDevice } from './device-cache.js';
import type { DeviceState } from './store/types.js';
import type { PostureInput } from './policy-engine.js';

/** The device and its state, re-evaluated if the policy changed since it was computed. */
export async function currentDeviceState(ctx: PostureContext, deviceId: string): Promise<CachedDevice> {
  const entry = await ctx.devices.get(deviceId);
  const { device, state } = entry;
  if (!device || !state || device.revokedAt !== undefined) return entry;
  const policy = ctx.policy();
  if (state.policyRevision === policy.revision) return entry;
  const submods = await ctx.store.latestSubmods(deviceId);
  if (!submods) return entry;
  const now = ctx.now();
  const evaluation = policy.evaluate({
    submods: submods as PostureInput['submods'],
    user: device.user,
    groups: device.groups,
    attestedAt: new Date(state.attestedAt),
    now,
    platform: state.platform ?? (device.platform as DeviceState['platform']) ?? 'linux',
  });
  const next: DeviceState = {
    ...state,
    freshUntil: evaluation.freshUntil,
    earStatus: evaluation.earStatus,
    resources: evaluation.resources,
    segments: evaluation.segments,
    policyRevision: policy.revision,
    updatedAt: now.getTime(),
  };
  await ctx.store.saveDeviceState(next);
  ctx.devices.set(deviceId, { device, state: next });
  if (next.earStatus !== state.earStatus) {
    await ctx.store.appendEvent('device.compliance-changed', deviceId, { from: state.earStatus, to: next.earStatus, cause: 'policy-change' }, now.getTime());
  }
  return { device, state: next };
}
