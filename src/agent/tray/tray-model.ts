/**
 * The tray's state machine: what the agent knows (enrolment, last service result, last
 * local report, in-flight attestation, failures) and the one tray state that follows.
 * Pure: events in, a new model out; no clocks or I/O (times arrive in events).
 */
import type { PostureReport } from '../../shared/check-result.js';
import type { TrayState } from '../../shared/ipc.js';
import type { AgentState, LastResult } from '../state/agent-state.js';

export interface TrayModel {
  /** The saved enrolment and last result; undefined while unenrolled. */
  agent: AgentState | undefined;
  /** The latest local report (from the last attestation, or a local-only collection while offline). */
  report: PostureReport | undefined;
  /** An attestation is running; `manual` when a person asked for it (Check now, enrol). */
  inFlight: { manual: boolean } | undefined;
  /** Consecutive attestation failures because the service could not be reached. */
  failures: number;
  /** When the current run of failures began (ISO). */
  offlineSince: string | undefined;
  /** The last error in words (cleared by a success). */
  problem: string | undefined;
}

export type TrayEvent =
  | { type: 'loaded'; agent: AgentState | undefined }
  | { type: 'attest-started'; manual: boolean }
  | { type: 'attest-succeeded'; agent: AgentState; report: PostureReport }
  /** `unreachable`: network or service down (→ offline); `rejected`: the service said no; `not-enrolled`: state gone or key changed. */
  | { type: 'attest-failed'; kind: 'unreachable' | 'rejected' | 'not-enrolled'; message: string; at: string }
  | { type: 'local-report'; report: PostureReport }
  | { type: 'enrolled'; agent: AgentState };

export const INITIAL_MODEL: TrayModel = { agent: undefined, report: undefined, inFlight: undefined, failures: 0, offlineSince: undefined, problem: undefined };

/** Applies one event. */
export function reduceTray(model: TrayModel, event: TrayEvent): TrayModel {
  switch (event.type) {
    case 'loaded':
      return { ...model, agent: event.agent };
    case 'attest-started':
      return { ...model, inFlight: { manual: event.manual } };
    case 'attest-succeeded':
      return { ...model, agent: event.agent, report: event.report, inFlight: undefined, failures: 0, offlineSince: undefined, problem: undefined };
    case 'attest-failed':
      if (event.kind === 'not-enrolled') return { ...model, inFlight: undefined, agent: undefined, problem: event.message };
      if (event.kind === 'rejected') return { ...model, inFlight: undefined, problem: event.message };
      return { ...model, inFlight: undefined, failures: model.failures + 1, offlineSince: model.offlineSince ?? event.at, problem: event.message };
    case 'local-report':
      return { ...model, report: event.report };
    case 'enrolled':
      return { ...model, agent: event.agent, failures: 0, offlineSince: undefined, problem: undefined };
  }
}

/**
 * The one tray state, by precedence:
 * 1. `unenrolled` without an enrolment;
 * 2. `checking` while a person-requested attestation runs, or any attestation before the first result
 *    (a background re-attest keeps the previous state so the icon does not flicker every few minutes);
 * 3. `offline` while the service cannot be reached, or when the last result is no longer fresh;
 * 4. `non_compliant` when the service denies any resource or contraindicates the device;
 * 5. `warning` when the service warns (enforcement deadline ahead) or says `warning`;
 * 6. `compliant`.
 */
export function trayStateOf(model: TrayModel, now: Date): TrayState {
  const last = model.agent?.last;
  if (!model.agent) return 'unenrolled';
  if (model.inFlight && (model.inFlight.manual || !last)) return 'checking';
  if (!last || model.failures > 0 || Date.parse(last.freshUntil) <= now.getTime()) return 'offline';
  if (isDenied(last)) return 'non_compliant';
  if (hasWarnings(last)) return 'warning';
  return 'compliant';
}

/** Resource name → decision in the last result (empty when there is none). */
export function resourceDecisions(last: LastResult | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(last?.resources ?? {})) out[name] = v.decision;
  return out;
}

function isDenied(last: LastResult): boolean {
  return last.earStatus === 'contraindicated' || Object.values(last.resources).some((r) => r.decision === 'deny');
}

function hasWarnings(last: LastResult): boolean {
  return last.earStatus === 'warning' || Object.values(last.resources).some((r) => warningsOf(r).length > 0);
}

/** The `warnings` a stored verdict carries (kept by the state file's open schema). */
export function warningsOf(verdict: LastResult['resources'][string]): { code: string; message: string; until?: string }[] {
  const w = (verdict as { warnings?: unknown }).warnings;
  if (!Array.isArray(w)) return [];
  return w.filter((x): x is { code: string; message: string; until?: string } => typeof x === 'object' && x !== null && typeof (x as { code?: unknown }).code === 'string' && typeof (x as { message?: unknown }).message === 'string');
}
