/** The posture service's policy engine: load, validate, explain, match and evaluate (DESIGN §7). */
export { compileCel, type CelContext, type CelProgram, type CelResult } from './cel.js';
export { describeDuration, formatDay, parseDuration, parseUntil } from './duration.js';
export { evaluatePosture, grantedSegments, type PostureInput } from './evaluate.js';
export { explainPolicy } from './explain.js';
export { loadPolicy, type LoadPolicyResult } from './load.js';
export { findResource, matchResourceByHostPath, normalizeHost, normalizeRequestPath } from './match.js';
export type { Policy, PolicyEnforcement, PolicyExpression, PolicyResource, PolicySegment } from './model.js';
export { createPolicySource, PolicyLoadError, type PolicySource, type PolicySourceOptions } from './policy-source.js';
export { requirementsForDevice, type DeviceRequirements } from './requirements-merge.js';
export * from './result.js';
export { MAX_POLICY_BYTES, type PolicyError } from './safe-yaml.js';
export * from './schema.js';
export { evaluateSegment, runCheck, type RuleRegistry, type SubmodInput } from './segment.js';
