/**
 * The diagnose bundle: every probe's raw output from one collection, so that a
 * support team (or a test on Linux) can replay a macOS or Windows machine's checks.
 */
import { Type, type Static } from '@sinclair/typebox';
import { PlatformSchema } from './check-ids.js';

export const BUNDLE_FORMAT = 'posture-agent-diagnose/1';

/** Why a probe produced no usable output. */
export const PROBE_ERRORS = [
  'timeout',
  'not-installed',
  'not-found',
  'permission',
  'output-too-large',
  'spawn-failed',
  'io-error',
  'not-collected',
] as const;
export type ProbeError = (typeof PROBE_ERRORS)[number];

export const ProbeRecordSchema = Type.Object(
  {
    /** Probe id plus `#instance` for parameterised probes: `linux.cryptsetup-status#luks-root`. */
    key: Type.String({ minLength: 1, maxLength: 512 }),
    /** Stable probe id: `linux.lsblk`, `darwin.fdesetup-status`, `win32.manage-bde-status`. */
    probe: Type.String({ minLength: 1, maxLength: 128 }),
    kind: Type.Union([Type.Literal('exec'), Type.Literal('file'), Type.Literal('dir')]),
    /** Allow-listed command name (exec) and its arguments. */
    command: Type.Optional(Type.String({ maxLength: 64 })),
    args: Type.Optional(Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 64 })),
    /** File or directory read (file/dir). */
    path: Type.Optional(Type.String({ maxLength: 4096 })),
    startedAt: Type.String({ format: 'date-time' }),
    durationMs: Type.Number({ minimum: 0 }),
    exitCode: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    signal: Type.Optional(Type.String({ maxLength: 32 })),
    /** Output as UTF-8 text when it is valid UTF-8, otherwise base64 of the raw bytes. */
    stdout: Type.Optional(Type.String()),
    stdoutBase64: Type.Optional(Type.String()),
    stderr: Type.Optional(Type.String()),
    stderrBase64: Type.Optional(Type.String()),
    /** Text encoding the collector expected (e.g. `gbk` for an OEM code page). */
    encoding: Type.Optional(Type.String({ maxLength: 32 })),
    error: Type.Optional(Type.Union(PROBE_ERRORS.map((e) => Type.Literal(e)))),
    errorDetail: Type.Optional(Type.String({ maxLength: 1024 })),
    /** Set when the output was reused from an earlier run whose inputs had not changed. */
    cachedFrom: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type ProbeRecord = Static<typeof ProbeRecordSchema>;

export const BundleSchema = Type.Object(
  {
    format: Type.Literal(BUNDLE_FORMAT),
    agent: Type.Object({ name: Type.String(), version: Type.String() }, { additionalProperties: false }),
    platform: PlatformSchema,
    arch: Type.Optional(Type.String({ maxLength: 32 })),
    collectedAt: Type.String({ format: 'date-time' }),
    /** Free text: where the bundle came from (e.g. "composed from real captures; see test/fixtures"). */
    note: Type.Optional(Type.String({ maxLength: 4096 })),
    probes: Type.Array(ProbeRecordSchema, { maxItems: 4096 }),
  },
  { additionalProperties: false },
);
export type Bundle = Static<typeof BundleSchema>;
