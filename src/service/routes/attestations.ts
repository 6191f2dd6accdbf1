/** POST /v1/attestations: verify evidence, evaluate the policy, store durably, answer with the posture token. */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AttestationResponseSchema, type AttestationResponse } from '../../shared/api.js';
import { EAT_JWT_MEDIA_TYPE } from '../../shared/claims.js';
import { PROJECT_VERSION } from '../../common/package-info.js';
import { newJti, signPostureToken } from '../posture-token.js';
import { ProblemError } from '../problems.js';
import type { DeviceRecord, DeviceState, NewEvent } from '../store/types.js';
import { MAX_EVIDENCE_BYTES, MAX_SKEW_S, verifyEvidence } from '../verify-evidence.js';

function decisionsDiffer(a: DeviceState['resources'], b: DeviceState['resources']): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (a[k]?.decision !== b[k]?.decision) return true;
  return false;
}

const decisions = (r: DeviceState['resources']): Record<string, 'allow' | 'deny'> => Object.fromEntries(Object.entries(r).map(([name, v]) => [name, v.decision]));

/**
 * The events of one stored attestation (docs/events.md): always `device.attested`; plus
 * `device.compliance-changed` when the EAR status changed, else `device.verdicts-changed`
 * when a per-resource decision did.
 */
function attestationEvents(device: DeviceRecord, state: DeviceState, previous: DeviceState | undefined, hostname: string | undefined): NewEvent[] {
  const at = state.attestedAt;
  const events: NewEvent[] = [
    {
      type: 'device.attested',
      deviceId: device.id,
      at,
      data: {
        user: device.user,
        earStatus: state.earStatus,
        ...(previous ? { previous: previous.earStatus } : {}),
        checks: state.checks,
        resources: decisions(state.resources),
        resultJti: state.resultJti,
        ...(state.platform ? { platform: state.platform } : {}),
        ...(hostname ? { hostname } : {}),
      },
    },
  ];
  if (previous?.earStatus !== state.earStatus) {
    events.push({ type: 'device.compliance-changed', deviceId: device.id, at, data: { from: previous?.earStatus ?? 'none', to: state.earStatus, cause: 'attestation', resultJti: state.resultJti } });
  } else if (decisionsDiffer(previous.resources, state.resources)) {
    events.push({ type: 'device.verdicts-changed', deviceId: device.id, at, data: { resources: decisions(state.resources), previous: decisions(previous.resources), resultJti: state.resultJti } });
  }
  return events;
}

export const attestationsRoutes = fp(
  async (app: FastifyInstance) => {
    const ctx = app.posture;
    app.addContentTypeParser(EAT_JWT_MEDIA_TYPE, { parseAs: 'string', bodyLimit: MAX_EVIDENCE_BYTES }, (_req, body, done) => done(null, body));

    app.post('/v1/attestations', { bodyLimit: MAX_EVIDENCE_BYTES, schema: { response: { 201: AttestationResponseSchema } } }, async (req, reply) => {
      if (req.headers['content-type']?.split(';')[0]?.trim().toLowerCase() !== EAT_JWT_MEDIA_TYPE || typeof req.body !== 'string') {
        throw new ProblemError('unsupported-media-type', `send the evidence as ${EAT_JWT_MEDIA_TYPE}`);
      }
      const now = ctx.now();
      const t0 = performance.now();
      let verified;
      try {
        verified = await verifyEvidence(req.body.trim(), { store: ctx.store, audience: ctx.config.publicUrl, now, keyCache: ctx.deviceKeys });
      } catch (e) {
        ctx.metrics.attestations.inc({ outcome: e instanceof ProblemError ? e.code : 'error' });
        throw e;
      }
      ctx.metrics.verifySeconds.observe((performance.now() - t0) / 1000);
      const { device, claims } = verified;
      const policy = ctx.policy();
      const requirements = policy.requirementsFor(device.groups);
      // MFA facts are the service's own: the ID token re-verified, never the agent's word.
      if (claims.submods.mfa) {
        const bound = await ctx.mfa.bind({ submod: claims.submods.mfa, device, evidenceNonce: claims.eat_nonce, now, platform: claims.device.platform, requirement: requirements.mfa });
        claims.submods.mfa = bound.submod;
        if (bound.rejected) await ctx.store.appendEvent('mfa.id-token-rejected', device.id, { code: bound.rejected.code, detail: bound.rejected.detail }, now.getTime());
      }
      const evaluation = policy.evaluate({ submods: claims.submods, user: device.user, groups: device.groups, attestedAt: now, now, platform: claims.device.platform });
      const state: DeviceState = {
        deviceId: device.id,
        attestedAt: now.getTime(),
        freshUntil: evaluation.freshUntil,
        earStatus: evaluation.earStatus,
        resources: evaluation.resources,
        segments: evaluation.segments,
        checks: Object.fromEntries(Object.entries(claims.submods).map(([id, s]) => [id, { status: s.status, reasons: s.reasons }])),
        resultJti: newJti(),
        updatedAt: now.getTime(),
        policyRevision: policy.revision,
        platform: claims.device.platform,
      };
      const previous = (await ctx.devices.get(device.id)).state;
      const outcome = await ctx.store.recordAttestation({
        deviceId: device.id,
        nonce: claims.eat_nonce,
        jti: claims.jti,
        jtiExpiresAt: (claims.exp + MAX_SKEW_S) * 1000,
        receivedAt: now.getTime(),
        state,
        submods: claims.submods,
        // In the same transaction: the event trail and the other replicas' caches never miss a stored attestation.
        events: attestationEvents(device, state, previous, claims.device.hostname),
      });
      if (outcome !== 'stored') {
        ctx.metrics.attestations.inc({ outcome });
        throw new ProblemError(outcome === 'replayed' ? 'evidence-replayed' : outcome === 'nonce-invalid' ? 'evidence-nonce-invalid' : 'device-revoked');
      }
      ctx.devices.set(device.id, { device, state });
      ctx.metrics.attestations.inc({ outcome: 'stored' });
      const { token, claims: result } = await signPostureToken(ctx.keys, { issuer: ctx.config.publicUrl, deviceId: device.id, jkt: device.jkt, state, ttlSeconds: ctx.config.resultTtlSeconds, now, build: PROJECT_VERSION });
      const body: AttestationResponse = {
        device_id: device.id,
        posture_token: token,
        ear_status: state.earStatus,
        expires_at: new Date(result.exp * 1000).toISOString(),
        fresh_until: new Date(state.freshUntil).toISOString(),
        resources: state.resources,
        segments: state.segments,
        requirements,
        next_attestation_in: ctx.config.attestIntervalSeconds,
        ...(ctx.mfa.hint ? { idp: ctx.mfa.hint } : {}),
      };
      return reply.code(201).send(body);
    });
  },
  { name: 'posture-attestations', dependencies: ['posture-errors'] },
);
