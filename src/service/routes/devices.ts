/** Device inventory (admin), latest posture (admin, gateways that poll), revocation (admin). */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Type } from '@sinclair/typebox';
import { DeviceViewSchema, type DeviceView } from '../../shared/api.js';
import { keyCoversResource } from '../api-keys.js';
import { currentDeviceState } from '../current-state.js';
import { ProblemError } from '../problems.js';
import type { DeviceRecord, DeviceState } from '../store/types.js';
import { requireApiKey } from './auth.js';

const Params = Type.Object({ id: Type.String({ pattern: '^dev_[A-Za-z0-9_-]{16}$' }) });

/** The public view of a device and its current posture. */
export function deviceView(d: DeviceRecord, s: DeviceState | undefined, now: number, resourceFilter?: (r: string) => boolean): DeviceView {
  const fresh = !!s && d.revokedAt === undefined && s.freshUntil > now;
  const resources = Object.fromEntries(Object.entries(s?.resources ?? {}).filter(([r]) => !resourceFilter || resourceFilter(r)));
  return {
    device_id: d.id,
    user: d.user,
    groups: d.groups,
    jkt: d.jkt,
    enrolled_at: new Date(d.enrolledAt).toISOString(),
    ...(d.revokedAt !== undefined ? { revoked_at: new Date(d.revokedAt).toISOString() } : {}),
    ...(d.platform ? { platform: d.platform } : {}),
    ...(d.hostname ? { hostname: d.hostname } : {}),
    ...(s ? { attested_at: new Date(s.attestedAt).toISOString(), fresh_until: new Date(s.freshUntil).toISOString() } : {}),
    fresh,
    ear_status: d.revokedAt !== undefined ? 'contraindicated' : s && fresh ? s.earStatus : 'none',
    resources,
    checks: s?.checks ?? {},
  };
}

export const devicesRoutes = fp(
  async (app: FastifyInstance) => {
    const ctx = app.posture;

    app.get('/v1/devices', { schema: { response: { 200: Type.Object({ devices: Type.Array(DeviceViewSchema) }) } } }, async (req) => {
      await requireApiKey(ctx, req, ['admin']);
      const now = ctx.now().getTime();
      const devices = await ctx.store.listDevices();
      const views = await Promise.all(devices.map(async (d) => deviceView(d, await ctx.store.getDeviceState(d.id), now)));
      return { devices: views };
    });

    app.get<{ Params: { id: string } }>('/v1/devices/:id', { schema: { params: Params, response: { 200: DeviceViewSchema } } }, async (req) => {
      const key = await requireApiKey(ctx, req, ['admin', 'gateway']);
      const { device, state } = await currentDeviceState(ctx, req.params.id);
      if (!device) throw new ProblemError('device-unknown');
      return deviceView(device, state, ctx.now().getTime(), (r) => keyCoversResource(key, r));
    });

    app.delete<{ Params: { id: string } }>('/v1/devices/:id', { schema: { params: Params } }, async (req, reply) => {
      await requireApiKey(ctx, req, ['admin']);
      const now = ctx.now().getTime();
      const device = await ctx.store.getDevice(req.params.id);
      if (!device) throw new ProblemError('device-unknown');
      await ctx.store.revokeDevice(device.id, now);
      ctx.devices.invalidate(device.id);
      req.log.warn({ device: device.id }, 'device revoked');
      return reply.code(204).send();
    });
  },
  { name: 'posture-devices', dependencies: ['posture-errors'] },
);
