/**
 * `POST /v1/events/poll`: CAEP device-compliance-change SETs by RFC 8936 poll delivery.
 * The receiver is the caller's API key (gateway or admin). Delivery is at-least-once:
 * a SET is returned by every poll until its jti is acknowledged (`ack` or `setErrs`).
 * Every key receives every device's events, whatever resources a gateway key covers.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { EventsPollRequestSchema, EventsPollResponseSchema, type EventsPollRequest, type EventsPollResponse } from '../../shared/api.js';
import { pollReceiver, seqOfJti, setJti, signComplianceSet } from '../caep.js';
import { requireApiKey } from './auth.js';

export const eventsRoutes = fp(
  async (app: FastifyInstance) => {
    const ctx = app.posture;

    app.post<{ Body: EventsPollRequest }>('/v1/events/poll', { schema: { body: EventsPollRequestSchema, response: { 200: EventsPollResponseSchema } } }, async (req): Promise<EventsPollResponse> => {
      const key = await requireApiKey(ctx, req, ['admin', 'gateway']);
      const body = req.body;
      const errs = Object.entries(body.setErrs ?? {});
      if (errs.length > 0) req.log.warn({ receiver: key.id, setErrs: body.setErrs }, 'SET receiver reported errors');
      // A SET reported in setErrs was received: it is not delivered again (RFC 8936 §2.4).
      const acks = [...(body.ack ?? []), ...errs.map(([jti]) => jti)].map(seqOfJti).filter((s): s is number => s !== undefined);
      const { pending, moreAvailable } = await pollReceiver(ctx.store, key.id, acks, body.maxEvents ?? 10);
      const now = ctx.now();
      const sets: Record<string, string> = {};
      for (const p of pending) {
        sets[setJti(p.seq)] = await signComplianceSet(ctx.keys, { issuer: ctx.config.publicUrl, audience: key.id, seq: p.seq, change: p.change, now });
      }
      return { sets, moreAvailable };
    });
  },
  { name: 'posture-events', dependencies: ['posture-errors'] },
);
