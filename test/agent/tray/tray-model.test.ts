import { describe, expect, it } from 'vitest';
import type { AgentState, LastResult } from '../../../src/agent/state/agent-state.js';
import { INITIAL_MODEL, reduceTray, trayStateOf, type TrayEvent, type TrayModel } from '../../../src/agent/tray/tray-model.js';
import type { PostureReport } from '../../../src/shared/check-result.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const REPORT: PostureReport = { platform: 'linux', collectedAt: '2026-11-25T11:59:00Z', durationMs: 1, requirementsSource: 'service', mode: 'live', overall: 'pass', checks: [] };

function last(over: Partial<LastResult> = {}): LastResult {
  return { attestedAt: '2026-11-25T11:59:00Z', postureToken: 't', expiresAt: '2026-11-25T12:09:00Z', freshUntil: '2026-11-25T12:09:00Z', earStatus: 'affirming', resources: { lake: { decision: 'allow', reasons: [], message: 'ok' } }, requirements: {}, nextAttestationIn: 300, ...over };
}
function agent(l?: LastResult): AgentState {
  return { version: 1, service: 'https://s.example', deviceId: 'dev_1', user: 'u', groups: [], jkt: 'j', enrolledAt: '2026-11-01T00:00:00Z', ...(l ? { last: l } : {}) };
}
const run = (...events: TrayEvent[]): TrayModel => events.reduce(reduceTray, INITIAL_MODEL);
const ok = (l: LastResult = last()): TrayEvent => ({ type: 'attest-succeeded', agent: agent(l), report: REPORT });

describe('tray state machine', () => {
  it('is unenrolled without an enrolment, whatever else happens', () => {
    expect(trayStateOf(run({ type: 'loaded', agent: undefined }, { type: 'attest-started', manual: true }), NOW)).toBe('unenrolled');
  });

  it('shows checking for the first attestation and for Check now, but not for background re-attests', () => {
    expect(trayStateOf(run({ type: 'loaded', agent: agent() }, { type: 'attest-started', manual: false }), NOW)).toBe('checking');
    expect(trayStateOf(run(ok(), { type: 'attest-started', manual: true }), NOW)).toBe('checking');
    expect(trayStateOf(run(ok(), { type: 'attest-started', manual: false }), NOW)).toBe('compliant');
  });

  it('maps the service result: any deny or contraindicated → non_compliant; warnings → warning; else compliant', () => {
    expect(trayStateOf(run(ok()), NOW)).toBe('compliant');
    expect(trayStateOf(run(ok(last({ resources: { lake: { decision: 'deny', reasons: ['x'], message: 'no' } } }))), NOW)).toBe('non_compliant');
    expect(trayStateOf(run(ok(last({ earStatus: 'contraindicated' }))), NOW)).toBe('non_compliant');
    expect(trayStateOf(run(ok(last({ earStatus: 'warning' }))), NOW)).toBe('warning');
    const warned = { lake: { decision: 'allow', reasons: [], message: 'ok', warnings: [{ code: 'screen_lock.disabled', message: 'm', until: '2026-12-01T00:00:00Z' }] } };
    expect(trayStateOf(run(ok(last({ resources: warned }))), NOW)).toBe('warning');
  });

  it('goes offline when the service is unreachable, remembering since when, and back on the next success', () => {
    const fail = (at: string): TrayEvent => ({ type: 'attest-failed', kind: 'unreachable', message: 'ECONNREFUSED', at });
    const m = run(ok(), fail('2026-11-25T12:00:00Z'), fail('2026-11-25T12:05:00Z'));
    expect(trayStateOf(m, NOW)).toBe('offline');
    expect(m.offlineSince).toBe('2026-11-25T12:00:00Z');
    expect(m.failures).toBe(2);
    const back = reduceTray(m, ok());
    expect(trayStateOf(back, NOW)).toBe('compliant');
    expect(back).toMatchObject({ failures: 0, offlineSince: undefined, problem: undefined });
  });

  it('treats a result past its fresh-until time as offline (the gateways no longer accept it)', () => {
    expect(trayStateOf(run(ok()), new Date('2026-11-25T12:09:00Z'))).toBe('offline');
  });

  it('a rejection keeps the state but records the problem; a lost enrolment returns to unenrolled', () => {
    const rejected = run(ok(), { type: 'attest-failed', kind: 'rejected', message: 'evidence rejected', at: NOW.toISOString() });
    expect(trayStateOf(rejected, NOW)).toBe('compliant');
    expect(rejected.problem).toBe('evidence rejected');
    expect(trayStateOf(reduceTray(rejected, { type: 'attest-failed', kind: 'not-enrolled', message: 'key changed', at: NOW.toISOString() }), NOW)).toBe('unenrolled');
  });
});
