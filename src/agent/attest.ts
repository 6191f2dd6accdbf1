/** Enrolment and one attestation round trip: challenge → collect → sign → submit → save. */
import { arch, hostname } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import type { AttestationResponse } from '../shared/api.js';
import type { Platform } from '../shared/check-ids.js';
import type { PostureReport } from '../shared/check-result.js';
import { PostureError } from '../shared/errors.js';
import { RequirementsSchema, type Requirements } from '../shared/requirements.js';
import { buildEvidenceClaims, signEvidence } from './attestation/evidence.js';
import { createServiceClient, normaliseServiceUrl } from './client/service-client.js';
import type { AnyCheckDefinition } from './checks/types.js';
import { collectLive } from './collect.js';
import { loadOrCreateDeviceKey } from './identity/device-key.js';
import { FileKeyStore, type KeyStore } from './identity/key-store.js';
import { readHashedMachineId } from './identity/machine-id.js';
import { bindIdToken, mfaSettingsFor } from './oidc/binding.js';
import { loadOidcSession, saveOidcSession } from './oidc/session-store.js';
import { loadAgentState, saveAgentState, type AgentState } from './state/agent-state.js';
import { AGENT_NAME, AGENT_VERSION } from './version.js';

export interface AgentPaths {
  stateDir: string;
  platform: Platform;
  /** Where the device key lives; the 0600 file in `stateDir` when absent (the tray app passes its safeStorage store). */
  keyStore?: KeyStore;
}

export function keyStoreFor(stateDir: string): FileKeyStore {
  return new FileKeyStore(join(stateDir, 'device-key.json'));
}

/** Enrols this device with the service using a one-time code. @throws PostureError */
export async function enrollDevice(paths: AgentPaths, serviceUrl: string, code: string): Promise<AgentState> {
  const url = normaliseServiceUrl(serviceUrl);
  const key = await loadOrCreateDeviceKey(paths.keyStore ?? keyStoreFor(paths.stateDir));
  const res = await createServiceClient(url).enroll(code.trim(), key, { platform: paths.platform, hostname: hostname() });
  if (res.jkt !== key.kid) throw new PostureError('SERVICE_REJECTED', 'the service enrolled a different key than ours');
  const state: AgentState = { version: 1, service: url, deviceId: res.device_id, user: res.user, groups: res.groups, jkt: res.jkt, enrolledAt: new Date().toISOString(), ...(res.idp ? { idp: res.idp } : {}) };
  await saveAgentState(paths.stateDir, state);
  return state;
}

/** The requirements the last result carried, if valid. */
export function lastRequirements(state: AgentState | undefined): Requirements | undefined {
  const r = state?.last?.requirements;
  return r && Value.Check(RequirementsSchema, r) ? r : undefined;
}

export interface AttestOutcome {
  state: AgentState;
  response: AttestationResponse;
  report: PostureReport;
}

export interface AttestOptions {
  /** A nonce already obtained (the sign-in challenge of `login`) instead of a new challenge. */
  nonce?: string;
  /** The checks to run (all by default). */
  checks?: readonly AnyCheckDefinition[];
}

/** One attestation. @throws PostureError NOT_ENROLLED, SERVICE_UNREACHABLE, SERVICE_REJECTED */
export async function attestOnce(paths: AgentPaths, opts: AttestOptions = {}): Promise<AttestOutcome> {
  const state = await loadAgentState(paths.stateDir);
  if (!state) throw new PostureError('NOT_ENROLLED', 'this device is not enrolled; run: posture-agent enroll --service URL --code CODE');
  const client = createServiceClient(state.service);
  const requirements = lastRequirements(state);
  const session = await loadOidcSession(paths.stateDir).catch(() => undefined);
  const [key, challenge, collection, machineIdHash] = await Promise.all([
    loadOrCreateDeviceKey(paths.keyStore ?? keyStoreFor(paths.stateDir)),
    opts.nonce ? { nonce: opts.nonce } : client.challenge(),
    collectLive({ platform: paths.platform, cacheDir: join(paths.stateDir, 'probe-cache'), settings: mfaSettingsFor(state, session), ...(requirements ? { requirements } : {}), ...(opts.checks ? { checks: opts.checks } : {}) }),
    readHashedMachineId(),
  ]);
  if (key.kid !== state.jkt) throw new PostureError('NOT_ENROLLED', 'the device key changed since enrolment; enrol again');
  const claims = buildEvidenceClaims({
    report: collection.report,
    deviceId: state.deviceId,
    audience: state.service,
    nonce: challenge.nonce,
    software: { name: AGENT_NAME, version: AGENT_VERSION },
    device: { platform: paths.platform, arch: arch(), hostname: hostname().slice(0, 255), ...(machineIdHash ? { machine_id_hash: machineIdHash } : {}) },
  });
  const presentedToken = bindIdToken(claims, session);
  const response = await client.attest(await signEvidence(claims, key));
  // From now on the service knows the token: later evidence names it by hash.
  if (presentedToken && session) await saveOidcSession(paths.stateDir, { ...session, presented: true });
  const { idp: _previousIdp, ...rest } = state;
  const next: AgentState = {
    ...rest,
    ...(response.idp ? { idp: response.idp } : {}),
    last: {
      attestedAt: new Date().toISOString(),
      postureToken: response.posture_token,
      expiresAt: response.expires_at,
      freshUntil: response.fresh_until,
      earStatus: response.ear_status,
      resources: response.resources,
      requirements: response.requirements,
      nextAttestationIn: response.next_attestation_in,
    },
  };
  await saveAgentState(paths.stateDir, next);
  return { state: next, response, report: collection.report };
}
