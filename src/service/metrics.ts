/** Prometheus metrics (prom-client), one registry per service instance. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServiceMetrics {
  registry: Registry;
  attestations: Counter<'outcome'>;
  verifySeconds: Histogram<never>;
  authz: Counter<'resource' | 'decision'>;
  enrollments: Counter<'outcome'>;
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
  };
}
