/**
 * Check identifiers, statuses and the reasons a reading can be unknown.
 * These strings travel in evidence tokens and policy files: never rename one.
 */
import { Type, type Static } from '@sinclair/typebox';
import './formats.js';

/** Every check the agent runs, in display order. */
export const CHECK_IDS = [
  'os_patch',
  'disk_encryption',
  'edr',
  'mfa',
  'firewall',
  'screen_lock',
  'mdm',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

export const CheckIdSchema = Type.Union(CHECK_IDS.map((id) => Type.Literal(id)));

/** `unknown` is never a pass; `unsupported` means this platform has no way to observe it. */
export const CHECK_STATUSES = ['pass', 'fail', 'unknown', 'unsupported'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];
export const CheckStatusSchema = Type.Union(CHECK_STATUSES.map((s) => Type.Literal(s)));

/**
 * Why a reading is unknown.
 * - `timeout`: the probe did not answer in time.
 * - `permission`: the probe needs privileges the agent does not have.
 * - `not-installed`: the tool that would answer is absent.
 * - `parse-error`: the tool answered in a shape we do not recognise (never guessed).
 * - `probe-failed`: the tool ran and reported an error (exit code, error text).
 * - `not-collected`: a replayed bundle has no record of the probe.
 * - `not-configured`: the agent lacks configuration to observe it (e.g. no IdP for MFA).
 * - `output-too-large`: the probe's output passed the cap and was cut.
 * - `internal-error`: a bug in the agent; reported, never hidden.
 */
export const UNKNOWN_REASONS = [
  'timeout',
  'permission',
  'not-installed',
  'parse-error',
  'probe-failed',
  'not-collected',
  'not-configured',
  'output-too-large',
  'internal-error',
] as const;
export type UnknownReason = (typeof UNKNOWN_REASONS)[number];
export const UnknownReasonSchema = Type.Union(UNKNOWN_REASONS.map((r) => Type.Literal(r)));

/** Operating systems the agent knows; anything else makes every check `unsupported`. */
export const PLATFORMS = ['linux', 'darwin', 'win32'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const PlatformSchema = Type.Union(PLATFORMS.map((p) => Type.Literal(p)));

/** A fact the collector wanted but could not read, and why. */
export const GapSchema = Type.Object(
  {
    fact: Type.String({ maxLength: 128 }),
    reason: UnknownReasonSchema,
    detail: Type.Optional(Type.String({ maxLength: 512 })),
    probe: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type Gap = Static<typeof GapSchema>;
