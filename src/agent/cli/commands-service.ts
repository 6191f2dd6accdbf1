/** Commands that talk to the posture service: enroll, attest, run, token, status. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Platform } from '../../shared/check-ids.js';
import type { PostureReport } from '../../shared/check-result.js';
import { isPostureError, PostureError } from '../../shared/errors.js';
import type { Requirements } from '../../shared/requirements.js';
import { attestOnce, enrollDevice, lastRequirements, type AgentPaths, type AttestOutcome } from '../attest.js';
import { loadAgentState } from '../state/agent-state.js';
import { nextDelayMs } from '../scheduler/backoff.js';
import { attestWithWatchBaseline, type AttestedWithBaseline } from '../watch/baseline.js';
import { collectWatched, DEFAULT_WATCH_INTERVAL_MS } from '../watch/collect-watched.js';
import { WATCHED_CHECKS } from '../watch/compare.js';
import { createRunWatch, type WakeReason } from '../watch/run-watch.js';
import { parse, platformOrThrow, stateDirFor, type CliIo } from './context.js';

export async function cmdEnroll(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { service: { type: 'string' }, code: { type: 'string' } });
  if (!values.service || !values.code) throw new PostureError('USAGE', 'enroll needs --service URL and --code CODE');
  const state = await enrollDevice({ stateDir: stateDirFor(io), platform: platformOrThrow() }, values.service, values.code);
  io.stdout(`enrolled as ${state.deviceId} for ${state.user} (groups: ${state.groups.join(', ') || 'none'}) at ${state.service}\n`);
  return 0;
}

function verdictLines(o: AttestOutcome): string[] {
  const lines = [`attested ${o.state.deviceId}: ${o.response.ear_status}; posture token valid until ${o.response.expires_at}`];
  for (const [name, v] of Object.entries(o.response.resources).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${v.decision === 'allow' ? 'ALLOW' : 'DENY '}  ${name.padEnd(20)} ${v.decision === 'allow' && !v.warnings?.length ? '' : v.message}`.trimEnd());
    for (const w of v.warnings ?? []) lines.push(`         ${''.padEnd(20)} warning: ${w.message}`);
  }
  return lines;
}

export async function cmdAttest(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } });
  const outcome = await attestOnce({ stateDir: stateDirFor(io), platform: platformOrThrow() });
  if (values.json) io.stdout(`${JSON.stringify({ ...outcome.response, posture_token: undefined }, null, 2)}\n`);
  else io.stdout(`${verdictLines(outcome).join('\n')}\n`);
  return outcome.response.ear_status === 'contraindicated' ? 1 : 0;
}

export async function cmdToken(args: readonly string[], io: CliIo): Promise<number> {
  parse(args, {});
  const stateDir = stateDirFor(io);
  const state = await loadAgentState(stateDir);
  if (!state) throw new PostureError('NOT_ENROLLED', 'this device is not enrolled; run: posture-agent enroll --service URL --code CODE');
  const last = state.last;
  // Reuse a token with at least a minute left; otherwise attest for a fresh one.
  if (last && Date.parse(last.expiresAt) - Date.now() > 60_000 && Date.parse(last.freshUntil) - Date.now() > 60_000) {
    io.stdout(`${last.postureToken}\n`);
    return 0;
  }
  const outcome = await attestOnce({ stateDir, platform: platformOrThrow() });
  io.stdout(`${outcome.response.posture_token}\n`);
  return 0;
}

export async function cmdStatus(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } });
  const state = await loadAgentState(stateDirFor(io));
  if (values.json) {
    io.stdout(`${JSON.stringify(state ? { ...state, last: state.last ? { ...state.last, postureToken: undefined } : undefined } : { enrolled: false }, null, 2)}\n`);
    return state ? 0 : 1;
  }
  if (!state) {
    io.stdout('not enrolled: run posture-agent enroll --service URL --code CODE\n');
    return 1;
  }
  const lines = [`device ${state.deviceId} (${state.user}; groups ${state.groups.join(', ') || 'none'}) enrolled at ${state.service} on ${state.enrolledAt}`];
  const last = state.last;
  if (!last) lines.push('no attestation yet: run posture-agent attest');
  else {
    const fresh = Date.parse(last.freshUntil) > Date.now();
    lines.push(`last attestation ${last.attestedAt}: ${last.earStatus}; ${fresh ? `fresh until ${last.freshUntil}` : `STALE since ${last.freshUntil}`}; token expires ${last.expiresAt}`);
    for (const [name, v] of Object.entries(last.resources).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`  ${v.decision === 'allow' ? 'ALLOW' : 'DENY '}  ${name.padEnd(20)} ${v.decision === 'allow' ? '' : v.message}`.trimEnd());
    }
  }
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

/** Seams for tests and benchmarks; the daemon uses the real attestation and live readings. */
export interface RunDeps {
  attest?: (paths: AgentPaths) => Promise<AttestOutcome>;
  /** The watcher's cheap reading, judged against the requirements its baseline was judged against. */
  collectWatched?: (requirements: Requirements | undefined) => Promise<PostureReport>;
}

/** `--watch-interval SECONDS` in ms: the OS default when absent, 0 to disable. @throws PostureError USAGE */
export function watchIntervalMs(arg: string | undefined, platform: Platform): number {
  if (arg === undefined) return DEFAULT_WATCH_INTERVAL_MS[platform];
  const s = Number(arg);
  if (arg.trim() === '' || !Number.isFinite(s) || (s !== 0 && (s < 0.1 || s > 3600))) {
    throw new PostureError('USAGE', `--watch-interval must be 0 (off) or between 0.1 and 3600 seconds, not "${arg}"`);
  }
  return Math.round(s * 1000);
}

/**
 * The daemon: attest at start and every interval, backing off while the service is
 * unreachable; between attestations a watcher re-reads EDR, disk encryption and firewall
 * every `--watch-interval` seconds and re-attests at once when one of them changes.
 */
export async function cmdRun(args: readonly string[], io: CliIo, deps: RunDeps = {}): Promise<number> {
  const { values } = parse(args, { once: { type: 'boolean' }, 'watch-interval': { type: 'string' } });
  const paths = { stateDir: stateDirFor(io), platform: platformOrThrow() };
  const log = (msg: string): void => io.stderr(`${new Date().toISOString()} posture-agent: ${msg}\n`);
  const watchMs = watchIntervalMs(values['watch-interval'], paths.platform);
  const attest = deps.attest ?? ((p: AgentPaths) => attestOnce(p));
  const readWatched = deps.collectWatched ?? ((requirements) => collectWatched({ platform: paths.platform, ...(requirements ? { requirements } : {}) }));
  // The requirements the watcher's baseline was judged against (statuses compare like with like).
  let watchRequirements: Requirements | undefined;
  const watch = values.once || watchMs === 0 ? undefined : createRunWatch({ collect: () => readWatched(watchRequirements), intervalMs: watchMs, log });
  let failures = 0;
  let hint = 300;
  let offlineSince: string | undefined;
  const watching = watch ? `watching ${WATCHED_CHECKS.join(', ')} every ${watchMs / 1000} s` : 'not watching';
  log(`started (pid ${process.pid}, state ${paths.stateDir}, ${watching})`);
  while (!io.stopSignal?.aborted) {
    watch?.pause();
    let baseline: PostureReport | undefined;
    try {
      // What attestOnce will judge against: the last result's requirements.
      const requirements = watch ? lastRequirements(await loadAgentState(paths.stateDir).catch(() => undefined)) : undefined;
      // Windows: the watcher's baseline is a cheap reading taken just before (see watch/baseline.ts).
      const a: AttestedWithBaseline<AttestOutcome> = watch ? await attestWithWatchBaseline({ platform: paths.platform, attest: () => attest(paths), read: () => readWatched(requirements) }) : { outcome: await attest(paths) };
      const o = a.outcome;
      baseline = a.baseline;
      if (a.baselineError !== undefined) log(`watcher baseline reading failed (${String(a.baselineError instanceof Error ? a.baselineError.message : a.baselineError).slice(0, 200)}); keeping the previous one`);
      watchRequirements = requirements;
      failures = 0;
      hint = o.response.next_attestation_in;
      if (offlineSince) log(`service reachable again (offline since ${offlineSince})`);
      offlineSince = undefined;
      const denied = Object.entries(o.response.resources).filter(([, v]) => v.decision === 'deny').map(([n]) => n);
      log(`attested: ${o.response.ear_status}${denied.length ? `; denied: ${denied.join(', ')}` : ''}; token until ${o.response.expires_at}`);
    } catch (e) {
      if (!isPostureError(e) || e.code === 'NOT_ENROLLED' || e.code === 'INPUT_INVALID' || e.code.startsWith('KEY_')) {
        watch?.stop();
        throw e;
      }
      failures++;
      offlineSince ??= new Date().toISOString();
      log(`attestation failed (${e.message}); attempt ${failures}`);
    }
    if (values.once) break;
    // While offline the watcher keeps the last good baseline; it reports each change once.
    watch?.resume(baseline);
    const delay = nextDelayMs({ failures, hintSeconds: hint, random: Math.random() });
    log(`next attestation in ${Math.round(delay / 1000)} s`);
    const woke = watch ? await watch.sleep(delay, io.stopSignal) : await plainSleep(delay, io.stopSignal);
    if (woke === 'stopped') break;
  }
  watch?.stop();
  log('stopped');
  return failures > 0 ? 1 : 0;
}

async function plainSleep(ms: number, signal: AbortSignal | undefined): Promise<WakeReason> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
    return 'timer';
  } catch {
    return 'stopped';
  }
}
