/** Commands that need no posture service: check, diagnose, key, evidence. */
import { arch, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { PostureError } from '../../shared/errors.js';
import { buildEvidenceClaims, signEvidence } from '../attestation/evidence.js';
import { keyStoreFor, lastRequirements } from '../attest.js';
import { ALL_CHECKS } from '../checks/index.js';
import { collectLive, collectReplay, loadBundle, makeBundle } from '../collect.js';
import { writeFileAtomic } from '../config/atomic-file.js';
import { loadOrCreateDeviceKey } from '../identity/device-key.js';
import { readHashedMachineId } from '../identity/machine-id.js';
import { loadMfaSettings } from '../oidc/binding.js';
import { loadAgentState } from '../state/agent-state.js';
import { AGENT_NAME, AGENT_VERSION } from '../version.js';
import { parse, platformOrThrow, stateDirFor, type CliIo } from './context.js';
import { exitCodeFor, formatReport } from './format-report.js';

export const TITLES: Readonly<Record<string, string>> = Object.fromEntries(ALL_CHECKS.map((c) => [c.id, c.title]));

export async function cmdCheck(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' }, replay: { type: 'string' } });
  let report;
  if (values.replay) {
    report = await collectReplay(await loadBundle(resolve(values.replay)));
  } else {
    const dir = stateDirFor(io);
    const state = await loadAgentState(dir).catch(() => undefined);
    const requirements = lastRequirements(state);
    report = (await collectLive({ platform: platformOrThrow(), cacheDir: join(dir, 'probe-cache'), settings: await loadMfaSettings(dir, state), ...(requirements ? { requirements } : {}) })).report;
  }
  if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout(`${formatReport(report, { color: io.isTty && !io.env.NO_COLOR, titles: TITLES })}\n`);
  return exitCodeFor(report);
}

export async function cmdDiagnose(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { out: { type: 'string' } });
  if (!values.out) throw new PostureError('USAGE', 'diagnose needs --out BUNDLE');
  const platform = platformOrThrow();
  // No cache: a support bundle must show what the tools answer now.
  const { report, records } = await collectLive({ platform });
  const out = resolve(values.out);
  await writeFileAtomic(out, `${JSON.stringify(makeBundle(platform, records, report.collectedAt), null, 2)}\n`);
  io.stderr(`posture-agent: wrote ${records.length} probe outputs to ${out}\n`);
  return 0;
}

export async function cmdKey(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { public: { type: 'boolean' } });
  if (!values.public) throw new PostureError('USAGE', 'key needs --public (the private key never leaves its store)');
  const key = await loadOrCreateDeviceKey(keyStoreFor(stateDirFor(io)));
  io.stdout(`${JSON.stringify(key.publicJwk)}\n`);
  return 0;
}

export async function cmdEvidence(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { nonce: { type: 'string' }, audience: { type: 'string' } });
  if (!values.nonce || !values.audience) throw new PostureError('USAGE', 'evidence needs --nonce NONCE and --audience URL');
  const platform = platformOrThrow();
  const dir = stateDirFor(io);
  const [key, state, machineIdHash] = await Promise.all([loadOrCreateDeviceKey(keyStoreFor(dir)), loadAgentState(dir).catch(() => undefined), readHashedMachineId()]);
  const collection = await collectLive({ platform, cacheDir: join(dir, 'probe-cache') });
  const claims = buildEvidenceClaims({
    report: collection.report,
    deviceId: state?.jkt === key.kid ? state.deviceId : `jkt:${key.kid}`,
    audience: values.audience,
    nonce: values.nonce,
    software: { name: AGENT_NAME, version: AGENT_VERSION },
    device: { platform, arch: arch(), hostname: hostname().slice(0, 255), ...(machineIdHash ? { machine_id_hash: machineIdHash } : {}) },
  });
  io.stdout(`${await signEvidence(claims, key)}\n`);
  return 0;
}
