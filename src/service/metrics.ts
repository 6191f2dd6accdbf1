/** Prometheus metrics (prom-client), one registry per service instance. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServiceMetrics {
  registry: Registry;
  attestations: Counter<'outcome'>;
  verifySeconds: Histogram<never>;
  authz: Counter<'resource' | 'decision'>;
  enrollments: Counter<'outcome'>;
  eventsDelivered: Counter<'sink'>;
  eventDeliveryFailures: Counter<'sink'>;
  setsRejected: Counter<'sink'>;
  denyEventsDropped: Counter<never>;
  /** Events not yet delivered, per sink (set by the pipeline's collect). */
  eventSinkLag: Gauge<'sink'>;
}

/** Creates the metrics; `defaults` adds process metrics (off in tests to save time). */
export function createMetrics(defaults = true): ServiceMetrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry, prefix: 'posture_service_' });
  return {
    registry,
    attestations: new Counter({ name: 'posture_attestations_total', help: 'Attestations by outcome', labelNames: ['outcome'], registers: [registry] }),
    verifySeconds: new Histogram({ name: 'posture_evidence_verify_seconds', help: 'Evidence verification latency', buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1], registers: [registry] }),
    authz: new Counter({ name: 'posture_authz_decisions_total', help: 'Forward-auth decisions by resource and decision', labelNames: ['resource', 'decision'], registers: [registry] }),
    enrollments: new Counter({ name: 'posture_enrollments_total', help: 'Enrolments by outcome', labelNames: ['outcome'], registers: [registry] }),
    eventsDelivered: new Counter({ name: 'posture_events_delivered_total', help: 'Events delivered (or skipped as not for this sink), per sink', labelNames: ['sink'], registers: [registry] }),
    eventDeliveryFailures: new Counter({ name: 'posture_event_delivery_failures_total', help: 'Failed delivery attempts, per sink (retried with back-off)', labelNames: ['sink'], registers: [registry] }),
    setsRejected: new Counter({ name: 'posture_caep_sets_rejected_total', help: 'SETs a push receiver refused with an RFC 8935 error (not retried)', labelNames: ['sink'], registers: [registry] }),
    denyEventsDropped: new Counter({ name: 'posture_authz_deny_events_dropped_total', help: 'Authz denies over the per-second event cap (counted, not stored as events)', registers: [registry] }),
    eventSinkLag: new Gauge({ name: 'posture_event_sink_lag', help: 'Events in the table not yet delivered to the sink (reported by the replica delivering it)', labelNames: ['sink'], registers: [registry] }),
  };
}
