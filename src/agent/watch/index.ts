/**
 * Cheap watchers between full attestations (DESIGN §10, issue #6): re-read EDR, disk
 * encryption and firewall every few seconds and re-attest at once when one regresses
 * (or recovers), so the service denies on the next gateway request. On Windows a reading
 * starts no PowerShell (`cheap-probes.ts`) and is compared with a cheap baseline
 * (`baseline.ts`).
 */
export { compareWatched, describeTransitions, keyFacts, shouldReattestOn, watchSignature, WATCHED_CHECKS } from './compare.js';
export type { TransitionKind, WatchComparison, WatchedCheckId, WatchTransition } from './compare.js';
export { attestWithWatchBaseline, watchNeedsOwnBaseline } from './baseline.js';
export type { AttestedWithBaseline, AttestWithWatchBaselineOptions } from './baseline.js';
export { CHEAP_READING_COMMANDS, cheapReadingSkipsProbes, createCheapProbeRunner } from './cheap-probes.js';
export type { CheapProbeRunner } from './cheap-probes.js';
export { collectWatched, collectWatchedWith, DEFAULT_WATCH_INTERVAL_MS, WATCHED_CHECK_DEFINITIONS } from './collect-watched.js';
export type { CollectWatchedOptions, CollectWatchedWithOptions } from './collect-watched.js';
export { createRunWatch } from './run-watch.js';
export type { RunWatch, RunWatchOptions, WakeReason } from './run-watch.js';
export { nextWatchAttestAt, pruneWatchHistory, WATCH_TRIGGER_POLICY } from './trigger-policy.js';
export type { WatchTriggerPolicy } from './trigger-policy.js';
export { createPostureWatcher } from './watcher.js';
export type { PostureWatcher, PostureWatcherOptions, WatchChange } from './watcher.js';
