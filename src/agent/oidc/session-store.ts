/**
 * The user's OIDC sign-in, in `<state dir>/oidc-session.json`: the ID token, its verified
 * facts and the refresh token when the IdP issued one. Stored like the device key: a 0600
 * file written atomically, refused when other users could read it; never logged.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import '../../shared/formats.js';
import { PostureError } from '../../shared/errors.js';
import { MfaFactsSchema } from '../../shared/facts/mfa.js';
import { writeFileAtomic } from '../config/atomic-file.js';

const IdTokenFactsSchema = Type.Pick(MfaFactsSchema, ['issuer', 'subject', 'username', 'amr', 'acr', 'authTime', 'phishingResistant']);

export const OidcSessionSchema = Type.Object({
  version: Type.Literal(1),
  issuer: Type.String(),
  clientId: Type.String(),
  idToken: Type.String(),
  /** base64url SHA-256 of `idToken`: how later evidence names it. */
  idTokenHash: Type.String(),
  refreshToken: Type.Optional(Type.String()),
  /** The OIDC nonce (= the sign-in challenge, = the eat_nonce of the first evidence). */
  nonce: Type.String(),
  obtainedAt: Type.String({ format: 'date-time' }),
  /** The ID token's `exp`. */
  expiresAt: Type.String({ format: 'date-time' }),
  facts: IdTokenFactsSchema,
  /** The service accepted evidence carrying the full token: later evidence sends its hash only. */
  presented: Type.Boolean(),
});
export type OidcSession = Static<typeof OidcSessionSchema>;

export function sessionFile(stateDir: string): string {
  return join(stateDir, 'oidc-session.json');
}

/**
 * The saved sign-in, or undefined when there is none.
 * @throws PostureError KEY_INSECURE_PERMISSIONS when other users can read the file, INPUT_INVALID when corrupt.
 */
export async function loadOidcSession(stateDir: string): Promise<OidcSession | undefined> {
  const path = sessionFile(stateDir);
  let raw: string;
  try {
    if (process.platform !== 'win32') {
      const st = await stat(path);
      if ((st.mode & 0o077) !== 0) throw new PostureError('KEY_INSECURE_PERMISSIONS', `refusing ${path}: mode ${(st.mode & 0o777).toString(8)} lets other users read it; expected 600 (sign in again with posture-agent login)`);
    }
    raw = await readFile(path, 'utf8');
  } catch (e) {
    if (e instanceof PostureError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PostureError('INPUT_INVALID', `cannot read ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new PostureError('INPUT_INVALID', `${path} is corrupt; sign in again with posture-agent login`);
  }
  if (!Value.Check(OidcSessionSchema, data)) throw new PostureError('INPUT_INVALID', `${path} is not a valid sign-in; sign in again with posture-agent login`);
  return data;
}

/** Saves the sign-in (0600, atomic). */
export async function saveOidcSession(stateDir: string, session: OidcSession): Promise<void> {
  await writeFileAtomic(sessionFile(stateDir), `${JSON.stringify(session)}\n`);
}

/** Forgets the sign-in. */
export async function deleteOidcSession(stateDir: string): Promise<void> {
  await rm(sessionFile(stateDir), { force: true });
}
