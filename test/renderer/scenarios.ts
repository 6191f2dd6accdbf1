/**
 * The status-window scenarios, built from REAL agent-core output: macOS diagnose bundles
 * composed from captured fixtures (as the collect tests do), replayed through
 * `collectReplay`, folded through the real tray reducer and status presenter. Only the
 * service's last result (resources, warnings, expiry) is written here as data, in the
 * shape `attestOnce` saves it.
 */
import { diskEncryptionCheck } from '../../src/agent/checks/disk-encryption/index.js';
import { firewallCheck } from '../../src/agent/checks/firewall/index.js';
import { screenLockCheck } from '../../src/agent/checks/screen-lock/index.js';
import { collectReplay } from '../../src/agent/collect.js';
import type { AgentState, LastResult } from '../../src/agent/state/agent-state.js';
import { buildStatusView } from '../../src/agent/tray/status-view.js';
import { INITIAL_MODEL, reduceTray, type TrayEvent } from '../../src/agent/tray/tray-model.js';
import type { ProbeRecord } from '../../src/shared/bundle.js';
import type { PostureReport } from '../../src/shared/check-result.js';
import type { StatusView } from '../../src/shared/ipc.js';
import type { Requirements } from '../../src/shared/requirements.js';
import { bundle, fixture, rec } from '../agent/checks/firewall/replay.js';

/** The bundles' clock (`bundle()` stamps this time). */
export const COLLECTED_AT = '2025-06-02T09:00:00.000Z';
const NOW = new Date('2025-06-02T09:01:00.000Z');

const CHECKS = [diskEncryptionCheck, firewallCheck, screenLockCheck];

export const SERVICE_REQUIREMENTS: Requirements = {
  disk_encryption: { required: true },
  firewall: { required: true },
  screen_lock: { required: true, max_idle_seconds: 900 },
};

const fileVault = (f: string): ProbeRecord => rec('darwin.fdesetup-status', { stdout: fixture(`disk_encryption/macos/${f}`) });
const firewallOn = (): ProbeRecord[] => [
  rec('darwin.socketfilterfw', { stdout: fixture('firewall/darwin/socketfilterfw-combined-getters__enabled-stealth-on.txt') }),
  rec('darwin.socketfilterfw-listapps', { stdout: fixture('firewall/darwin/socketfilterfw-listapps__six-apps.txt') }),
];
const screenLock = (delay: string): ProbeRecord[] => [
  rec('darwin.sysadminctl-screenlock', { stdout: '', stderr: fixture(`screen_lock/darwin/${delay}`).toString('utf8') }),
  rec('darwin.defaults-screensaver-idletime', { stdout: fixture('screen_lock/darwin/defaults-idletime__600.txt') }),
  rec('darwin.pmset', { stdout: fixture('screen_lock/darwin/pmset-g__displaysleep-10.txt') }),
];

const HEALTHY = (): ProbeRecord[] => [fileVault('fdesetup-status__on-master-keychain-installed.txt'), ...firewallOn(), ...screenLock('sysadminctl-screenlock__delay-300.txt')];

async function report(records: ProbeRecord[], requirements?: Requirements): Promise<PostureReport> {
  return collectReplay(bundle('darwin', records), { checks: CHECKS, ...(requirements ? { requirements } : {}) });
}

const allow = (name: string, warnings?: { code: string; message: string; until?: string }[]) => ({ decision: 'allow', reasons: [], message: `Access to ${name} is allowed.`, ...(warnings ? { warnings } : {}) });

function enrolled(last: LastResult): AgentState {
  return { version: 1, service: 'https://posture.example.com', deviceId: 'dev_7Hq2c9XkWm', user: 'ada@example.com', groups: ['data-science'], jkt: 'kZ3y0n0bR1Rz9wK0d2m8z5Jm1f0pV7a6X4c3b2a1Q0A', enrolledAt: '2025-05-30T08:00:00.000Z', last };
}

function lastResult(resources: LastResult['resources'], earStatus = 'affirming'): LastResult {
  return { attestedAt: COLLECTED_AT, postureToken: 'eyJ.fake.token', expiresAt: '2025-06-02T09:10:00.000Z', freshUntil: '2025-06-02T09:10:00.000Z', earStatus, resources, requirements: SERVICE_REQUIREMENTS as Record<string, unknown>, nextAttestationIn: 300 };
}

function view(events: TrayEvent[], now: Date = NOW): StatusView {
  return buildStatusView(events.reduce(reduceTray, INITIAL_MODEL), { now, platform: 'darwin', timeZone: 'UTC', serviceUrl: 'https://posture.example.com' });
}

export type ScenarioName = 'compliant' | 'failing' | 'warning' | 'offline' | 'unenrolled';

/** Every scenario's StatusView, as the main process would send it. */
export async function buildScenarios(): Promise<Record<ScenarioName, StatusView>> {
  const healthy = await report(HEALTHY(), SERVICE_REQUIREMENTS);
  const fileVaultOff = await report([fileVault('fdesetup-status__synthetic-off.txt'), ...firewallOn(), ...screenLock('sysadminctl-screenlock__delay-300.txt')], SERVICE_REQUIREMENTS);
  const lockOff = await report([fileVault('fdesetup-status__on-master-keychain-installed.txt'), ...firewallOn(), ...screenLock('sysadminctl-screenlock__off.txt')], SERVICE_REQUIREMENTS);
  const baseline = await report(HEALTHY());

  const compliantAgent = enrolled(lastResult({ 'jupyter-hub': allow('jupyter-hub'), 'model-registry': allow('model-registry'), 'training-cluster': allow('training-cluster') }));
  const failingAgent = enrolled(
    lastResult(
      {
        'jupyter-hub': allow('jupyter-hub'),
        'training-cluster': { decision: 'deny', reasons: ['disk_encryption.off'], message: 'To reach training-cluster, fix on this device: disk encryption.' },
      },
      'contraindicated',
    ),
  );
  const warningAgent = enrolled(
    lastResult(
      {
        'jupyter-hub': allow('jupyter-hub', [{ code: 'screen_lock.disabled', message: 'Screen lock will be required for experimentation from 1 Dec 2026.', until: '2026-12-01T00:00:00.000Z' }]),
        'model-registry': allow('model-registry'),
      },
      'warning',
    ),
  );

  return {
    compliant: view([{ type: 'loaded', agent: undefined }, { type: 'attest-succeeded', agent: compliantAgent, report: healthy }]),
    failing: view([{ type: 'attest-succeeded', agent: failingAgent, report: fileVaultOff }]),
    warning: view([{ type: 'attest-succeeded', agent: warningAgent, report: lockOff }]),
    offline: view(
      [
        { type: 'attest-succeeded', agent: compliantAgent, report: healthy },
        { type: 'attest-failed', kind: 'unreachable', message: 'cannot reach https://posture.example.com: connect ECONNREFUSED', at: '2025-06-02T09:05:00.000Z' },
        { type: 'local-report', report: healthy },
      ],
      new Date('2025-06-02T09:20:00.000Z'),
    ),
    unenrolled: view([{ type: 'loaded', agent: undefined }, { type: 'local-report', report: baseline }]),
  };
}
