/**
 * Runs the agent for the tray: attests on start, on the service's schedule (backoff while
 * offline), on demand and on OS triggers; enrols; and reports every model change. All I/O
 * and timers are injected, so tests drive it without Electron, a network or real time.
 */
import type { PostureReport } from '../../shared/check-result.js';
import { isPostureError } from '../../shared/errors.js';
import type { EnrollResult } from '../../shared/ipc.js';
import { nextDelayMs } from '../scheduler/backoff.js';
import type { AgentState } from '../state/agent-state.js';
import { INITIAL_MODEL, reduceTray, type TrayEvent, type TrayModel } from './tray-model.js';
import { pruneWatchHistory } from '../watch/trigger-policy.js';
import { shouldReattest, watcherAttestAt, type ReattestTrigger } from './triggers.js';

export interface TrayControllerDeps {
  loadState(): Promise<AgentState | undefined>;
  /** One attestation (`attestOnce`). @throws PostureError */
  attest(): Promise<{ state: AgentState; report: PostureReport }>;
  /** Enrolment (`enrollDevice`). @throws PostureError */
  enroll(serviceUrl: string, code: string): Promise<AgentState>;
  /** A local-only collection, for the window while offline or unenrolled. */
  collectLocal(agent: AgentState | undefined): Promise<PostureReport>;
  now(): Date;
  random(): number;
  setTimer(fn: () => void, ms: number): { cancel(): void };
  onChange(model: TrayModel): void;
}

/** A local report older than this is refreshed when an attestation fails. */
const LOCAL_REPORT_MAX_AGE_MS = 10 * 60_000;

export class TrayController {
  #model: TrayModel = INITIAL_MODEL;
  #timer: { cancel(): void } | undefined;
  #running: Promise<void> | undefined;
  #lastAttemptAt: Date | undefined;
  #stopped = false;
  /** Start times (ms) of recent watcher-triggered attestations, for the flap limit. */
  #watchHistory: number[] = [];
  /** A watcher trigger deferred by the flap limit. */
  #watchTimer: { cancel(): void } | undefined;

  constructor(private readonly deps: TrayControllerDeps) {}

  get model(): TrayModel {
    return this.#model;
  }

  /** Loads the saved state, then attests (enrolled) or collects locally (unenrolled). */
  async start(): Promise<void> {
    let agent: AgentState | undefined;
    try {
      agent = await this.deps.loadState();
    } catch (e) {
      this.#apply({ type: 'attest-failed', kind: 'not-enrolled', message: errorText(e), at: this.deps.now().toISOString() });
    }
    this.#apply({ type: 'loaded', agent });
    if (agent) await this.attestNow(false);
    else await this.#collectLocal();
  }

  /** Attests now unless one is running (then waits for it). `manual` shows `checking`. */
  attestNow(manual: boolean): Promise<void> {
    if (this.#running) return this.#running;
    if (!this.#model.agent) return this.#collectLocal();
    this.#running = this.#attest(manual).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /**
   * An OS trigger (resume, unlock, network change): attests unless one ran moments ago.
   * A `watcher` trigger (a watched check changed) attests at once, or is deferred to the
   * earliest time the flap limit allows; one already running makes it moot (the watcher
   * compares with that attestation's report and reports a change that outlives it again).
   * True when it attested now.
   */
  async trigger(reason: ReattestTrigger): Promise<boolean> {
    if (!this.#model.agent || this.#running) return false;
    if (reason === 'watcher') {
      const now = this.deps.now();
      const at = watcherAttestAt(this.#watchHistory, this.#lastAttemptAt, now);
      if (at.getTime() > now.getTime()) {
        if (!this.#stopped) {
          this.#watchTimer?.cancel();
          this.#watchTimer = this.deps.setTimer(() => void this.trigger('watcher'), at.getTime() - now.getTime());
        }
        return false;
      }
      this.#watchHistory = [...pruneWatchHistory(this.#watchHistory, now.getTime()), now.getTime()];
    } else if (!shouldReattest(this.#lastAttemptAt, this.deps.now(), false)) return false;
    await this.attestNow(false);
    return true;
  }

  /** Enrols with a code, then attests. Never throws: the result says what went wrong. */
  async enroll(serviceUrl: string, code: string): Promise<EnrollResult> {
    try {
      const agent = await this.deps.enroll(serviceUrl, code);
      this.#apply({ type: 'enrolled', agent });
    } catch (e) {
      return { ok: false, message: errorText(e) };
    }
    await this.attestNow(true);
    return { ok: true, message: '' };
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#watchTimer?.cancel();
  }

  async #attest(manual: boolean): Promise<void> {
    this.#timer?.cancel();
    // Any attestation covers a deferred watcher trigger.
    this.#watchTimer?.cancel();
    this.#watchTimer = undefined;
    this.#lastAttemptAt = this.deps.now();
    this.#apply({ type: 'attest-started', manual });
    try {
      const out = await this.deps.attest();
      this.#apply({ type: 'attest-succeeded', agent: out.state, report: out.report });
    } catch (e) {
      const kind = isPostureError(e, 'SERVICE_UNREACHABLE') ? 'unreachable' : isPostureError(e, 'NOT_ENROLLED') ? 'not-enrolled' : 'rejected';
      this.#apply({ type: 'attest-failed', kind, message: errorText(e), at: this.deps.now().toISOString() });
      const report = this.#model.report;
      if (!report || this.deps.now().getTime() - Date.parse(report.collectedAt) > LOCAL_REPORT_MAX_AGE_MS) await this.#collectLocal();
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped || !this.#model.agent) return;
    const ms = nextDelayMs({ failures: this.#model.failures, hintSeconds: this.#model.agent.last?.nextAttestationIn ?? 300, random: this.deps.random() });
    this.#timer = this.deps.setTimer(() => void this.attestNow(false), ms);
  }

  async #collectLocal(): Promise<void> {
    try {
      this.#apply({ type: 'local-report', report: await this.deps.collectLocal(this.#model.agent) });
    } catch {
      // A failed local collection leaves the previous report; every check reports its own errors.
    }
  }

  #apply(event: TrayEvent): void {
    this.#model = reduceTray(this.#model, event);
    this.deps.onChange(this.#model);
  }
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).slice(0, 300);
}
