/**
 * `posture-agent`: the headless agent. Exit codes: `check` 0 all pass, 1 some fail,
 * 2 some unknown and none fail; 3 for usage or internal errors (one line on stderr).
 */
import { isPostureError, PostureError } from '../shared/errors.js';
import { cmdCheck, cmdDiagnose, cmdEvidence, cmdKey } from './cli/commands-local.js';
import { cmdLogin, cmdLogout } from './cli/commands-oidc.js';
import { cmdAttest, cmdEnroll, cmdRun, cmdStatus, cmdToken } from './cli/commands-service.js';
import type { CliIo } from './cli/context.js';
import { AGENT_NAME, AGENT_VERSION } from './version.js';

export type { CliIo } from './cli/context.js';

export const USAGE = `Usage: posture-agent <command> [options]

Local commands:
  check [--json] [--replay BUNDLE]   Check this machine's posture (or a diagnose bundle's)
  diagnose --out BUNDLE              Write every probe's raw output to a JSON bundle
  key --public                       Print the device's public JWK (creates the key on first use)
  evidence --nonce N --audience URL  Collect, sign and print one evidence token (EAT, ES256)

With a posture service:
  enroll --service URL --code CODE   Enrol this device with a one-time code from your admin
  attest [--json]                    Attest once and print the verdict per resource
  run [--once] [--watch-interval S]  Keep attesting (at start, every interval, backing off when offline);
                                       between attestations re-read EDR, disk encryption and firewall
                                       every S seconds (default 3 on Linux, 5 on macOS and Windows;
                                       0 turns it off) and re-attest at once when one changes
  token                              Print a current posture token (attests when needed):
                                       curl -H "Authorization: Bearer $(posture-agent token)" …
  status [--json]                    Show enrolment, the last attestation and its verdicts
  login [--timeout 300]              Sign in at the identity provider (prints the URL to open),
                                       then attest with proof of your MFA
  logout                             Forget the sign-in (revokes its refresh token)

  help | --version

Exit codes of check: 0 all pass, 1 some fail, 2 some unknown and none fail, 3 usage or internal error.
State directory: $POSTURE_AGENT_HOME, else the per-user config directory.`;

const COMMANDS: Readonly<Record<string, (args: readonly string[], io: CliIo) => Promise<number>>> = {
  check: cmdCheck,
  diagnose: cmdDiagnose,
  key: cmdKey,
  evidence: cmdEvidence,
  enroll: cmdEnroll,
  attest: cmdAttest,
  run: cmdRun,
  token: cmdToken,
  status: cmdStatus,
  login: cmdLogin,
  logout: cmdLogout,
};

const defaultIo: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
  isTty: !!process.stdout.isTTY,
};

/** Runs the CLI and returns its exit code; never throws. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === 'help' || command === '--help' || command === '-h') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    if (command === '--version' || command === '-v') {
      io.stdout(`${AGENT_NAME} ${AGENT_VERSION}\n`);
      return 0;
    }
    if (command === undefined) throw new PostureError('USAGE', 'missing command; run `posture-agent help`');
    const run = COMMANDS[command];
    if (!run) throw new PostureError('USAGE', `unknown command "${command}"; run \`posture-agent help\``);
    return await run(rest, io);
  } catch (e) {
    const msg = isPostureError(e) ? e.message : `internal error: ${(e as Error)?.message ?? String(e)}`;
    io.stderr(`posture-agent: ${msg.split('\n')[0]}\n`);
    return 3;
  }
}
