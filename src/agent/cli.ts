/**
 * `posture-agent`: the headless agent. Exit codes: `check` 0 all pass, 1 some fail,
 * 2 some unknown and none fail; 3 for usage or internal errors (one line on stderr).
 */
import { hostname, arch, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isPostureError, PostureError } from '../shared/errors.js';
import { buildEvidenceClaims, signEvidence } from './attestation/evidence.js';
import { ALL_CHECKS } from './checks/index.js';
import { exitCodeFor, formatReport } from './cli/format-report.js';
import { collectLive, collectReplay, loadBundle, makeBundle } from './collect.js';
import { writeFileAtomic } from './config/atomic-file.js';
import { agentStateDir } from './config/paths.js';
import { loadOrCreateDeviceKey } from './identity/device-key.js';
import { FileKeyStore } from './identity/key-store.js';
import { readHashedMachineId } from './identity/machine-id.js';
import { currentPlatform } from './platform.js';
import { AGENT_NAME, AGENT_VERSION } from './version.js';

export const USAGE = `Usage: posture-agent <command> [options]

Commands:
  check [--json] [--replay BUNDLE]   Check this machine's posture (or a diagnose bundle's)
  diagnose --out BUNDLE              Write every probe's raw output to a JSON bundle
  key --public                       Print the device's public JWK (creates the key on first use)
  evidence --nonce N --audience URL  Collect, sign and print one evidence token (EAT, ES256)
  help                               Show this help

Exit codes of check: 0 all pass, 1 some fail, 2 some unknown and none fail, 3 usage or internal error.
State directory: $POSTURE_AGENT_HOME, else the per-user config directory.`;

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  isTty: boolean;
}

const defaultIo: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
  isTty: !!process.stdout.isTTY,
};

/** Runs the CLI and returns its exit code; never throws. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    const msg = isPostureError(e) ? e.message : `internal error: ${(e as Error)?.message ?? String(e)}`;
    io.stderr(`posture-agent: ${msg.split('\n')[0]}\n`);
    return 3;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return cmdCheck(rest, io);
    case 'diagnose':
      return cmdDiagnose(rest, io);
    case 'key':
      return cmdKey(rest, io);
    case 'evidence':
      return cmdEvidence(rest, io);
    case 'help':
    case '--help':
    case '-h':
      io.stdout(`${USAGE}\n`);
      return 0;
    case '--version':
    case '-v':
      io.stdout(`${AGENT_NAME} ${AGENT_VERSION}\n`);
      return 0;
    case undefined:
      throw new PostureError('USAGE', 'missing command; run `posture-agent help`');
    default:
      throw new PostureError('USAGE', `unknown command "${command}"; run \`posture-agent help\``);
  }
}

function parse<const T extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: false, strict: true as const });
  } catch (e) {
    throw new PostureError('USAGE', `${(e as Error).message}; run \`posture-agent help\``);
  }
}

function platformOrThrow() {
  const p = currentPlatform();
  if (!p) throw new PostureError('USAGE', `unsupported operating system: ${process.platform}`);
  return p;
}

function stateDir(io: CliIo): string {
  return agentStateDir({ platform: platformOrThrow(), env: io.env, homedir: homedir() });
}

const TITLES = Object.fromEntries(ALL_CHECKS.map((c) => [c.id, c.title]));

async function cmdCheck(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' }, replay: { type: 'string' } });
  const report = values.replay
    ? await collectReplay(await loadBundle(resolve(values.replay)))
    : (await collectLive({ platform: platformOrThrow(), cacheDir: join(stateDir(io), 'probe-cache') })).report;
  if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout(`${formatReport(report, { color: io.isTty && !io.env.NO_COLOR, titles: TITLES })}\n`);
  return exitCodeFor(report);
}

async function cmdDiagnose(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { out: { type: 'string' } });
  if (!values.out) throw new PostureError('USAGE', 'diagnose needs --out BUNDLE');
  const platform = platformOrThrow();
  // No cache: a support bundle must show what the tools answer now.
  const { report, records } = await collectLive({ platform });
  const bundle = makeBundle(platform, records, report.collectedAt);
  const out = resolve(values.out);
  await writeFileAtomic(out, `${JSON.stringify(bundle, null, 2)}\n`);
  io.stderr(`posture-agent: wrote ${records.length} probe outputs to ${out}\n`);
  return 0;
}

async function cmdKey(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { public: { type: 'boolean' } });
  if (!values.public) throw new PostureError('USAGE', 'key needs --public (the private key never leaves its store)');
  const key = await loadOrCreateDeviceKey(new FileKeyStore(join(stateDir(io), 'device-key.json')));
  io.stdout(`${JSON.stringify(key.publicJwk)}\n`);
  return 0;
}

async function cmdEvidence(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { nonce: { type: 'string' }, audience: { type: 'string' } });
  if (!values.nonce || !values.audience) throw new PostureError('USAGE', 'evidence needs --nonce NONCE and --audience URL');
  const platform = platformOrThrow();
  const dir = stateDir(io);
  const [key, collection, machineIdHash] = await Promise.all([
    loadOrCreateDeviceKey(new FileKeyStore(join(dir, 'device-key.json'))),
    collectLive({ platform, cacheDir: join(dir, 'probe-cache') }),
    readHashedMachineId(),
  ]);
  const claims = buildEvidenceClaims({
    report: collection.report,
    deviceId: `jkt:${key.kid}`,
    audience: values.audience,
    nonce: values.nonce,
    software: { name: AGENT_NAME, version: AGENT_VERSION },
    device: { platform, arch: arch(), hostname: hostname().slice(0, 255), ...(machineIdHash ? { machine_id_hash: machineIdHash } : {}) },
  });
  io.stdout(`${await signEvidence(claims, key)}\n`);
  return 0;
}
