/** The agent's enrolment and last attestation result, in `<state dir>/state.json` (0600, atomic). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import '../../shared/formats.js';
import { IdpHintSchema } from '../../shared/api.js';
import { PostureError } from '../../shared/errors.js';
import { writeFileAtomic } from '../config/atomic-file.js';

export const LastResultSchema = Type.Object({
  attestedAt: Type.String({ format: 'date-time' }),
  postureToken: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  freshUntil: Type.String({ format: 'date-time' }),
  earStatus: Type.String(),
  resources: Type.Record(Type.String(), Type.Object({ decision: Type.String(), reasons: Type.Array(Type.String()), message: Type.String() }, { additionalProperties: true })),
  requirements: Type.Record(Type.String(), Type.Unknown()),
  nextAttestationIn: Type.Integer(),
});

export const AgentStateSchema = Type.Object({
  version: Type.Literal(1),
  service: Type.String(),
  deviceId: Type.String(),
  user: Type.String(),
  groups: Type.Array(Type.String()),
  jkt: Type.String(),
  enrolledAt: Type.String({ format: 'date-time' }),
  last: Type.Optional(LastResultSchema),
  /** The identity provider the service verifies MFA with (from its last answer). */
  idp: Type.Optional(IdpHintSchema),
});
export type AgentState = Static<typeof AgentStateSchema>;
export type LastResult = Static<typeof LastResultSchema>;

export function stateFile(stateDir: string): string {
  return join(stateDir, 'state.json');
}

/** The saved state, or undefined when not enrolled. @throws PostureError INPUT_INVALID when the file is corrupt. */
export async function loadAgentState(stateDir: string): Promise<AgentState | undefined> {
  let raw: string;
  try {
    raw = await readFile(stateFile(stateDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PostureError('INPUT_INVALID', `cannot read ${stateFile(stateDir)}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new PostureError('INPUT_INVALID', `${stateFile(stateDir)} is corrupt (not JSON); re-enrol with posture-agent enroll`);
  }
  if (!Value.Check(AgentStateSchema, data)) throw new PostureError('INPUT_INVALID', `${stateFile(stateDir)} is not a valid agent state; re-enrol with posture-agent enroll`);
  return data;
}

/** Saves the state atomically (a crash leaves the old or the new file, never a torn one). */
export async function saveAgentState(stateDir: string, state: AgentState): Promise<void> {
  await writeFileAtomic(stateFile(stateDir), `${JSON.stringify(state, null, 2)}\n`);
}
