/** Commands for the user's sign-in at the identity provider: login, logout. */
import { PostureError } from '../../shared/errors.js';
import { loginAndAttest, logout } from '../oidc/login.js';
import { parse, platformOrThrow, stateDirFor, type CliIo } from './context.js';

/**
 * `login [--timeout SECONDS]`: prints the sign-in URL (headless: open it in a browser on
 * this machine; the loopback redirect needs the same host), waits for the sign-in, then
 * attests with the ID token and prints the verdicts. Exit 0 when attested, 1 when denied.
 */
export async function cmdLogin(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { timeout: { type: 'string' } });
  const timeoutS = values.timeout === undefined ? 300 : /^\d{1,5}$/.test(values.timeout) ? Number(values.timeout) : Number.NaN;
  if (!(timeoutS >= 10)) throw new PostureError('USAGE', '--timeout must be at least 10 seconds');
  const { session, attestation } = await loginAndAttest(
    { stateDir: stateDirFor(io), platform: platformOrThrow() },
    {
      timeoutMs: timeoutS * 1000,
      ...(io.stopSignal ? { signal: io.stopSignal } : {}),
      onUrl: (url) => io.stderr(`Open this URL in a browser on this computer to sign in (waiting ${timeoutS} s):\n\n  ${url}\n\n`),
    },
  );
  const f = session.facts;
  io.stdout(`signed in at ${session.issuer} as ${f.username ?? f.subject ?? 'unknown user'}${f.amr?.length ? ` with ${f.amr.join(', ')}` : ''}${f.acr ? ` (acr ${f.acr})` : ''}\n`);
  const r = attestation.response;
  io.stdout(`attested ${attestation.state.deviceId}: ${r.ear_status}\n`);
  for (const [name, v] of Object.entries(r.resources).sort(([a], [b]) => a.localeCompare(b))) {
    io.stdout(`  ${v.decision === 'allow' ? 'ALLOW' : 'DENY '}  ${name.padEnd(20)} ${v.decision === 'allow' ? '' : v.message}`.trimEnd() + '\n');
  }
  const mfa = attestation.report.checks.find((c) => c.id === 'mfa');
  if (mfa) io.stdout(`  MFA (this device's view): ${mfa.status}: ${mfa.summary}\n`);
  return r.ear_status === 'contraindicated' ? 1 : 0;
}

/** `logout`: forgets the sign-in (and revokes its refresh token at the IdP when possible). */
export async function cmdLogout(args: readonly string[], io: CliIo): Promise<number> {
  parse(args, {});
  const { signedOut, revoked } = await logout(stateDirFor(io));
  io.stdout(signedOut ? `signed out${revoked ? ' (refresh token revoked at the identity provider)' : ''}\n` : 'not signed in\n');
  return 0;
}
