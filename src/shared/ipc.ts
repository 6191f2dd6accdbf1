/**
 * The one IPC contract between the Electron main process and the status window.
 *
 * `IpcContract` maps each invoke channel to its request and response types; `IpcEvents`
 * maps each main → renderer push channel to its payload. The main-side handler wrapper
 * (`src/main/ipc.ts`) and the preload bridge (`src/preload/index.cts`) both derive their
 * types from these maps, and `PostureApi` (what the renderer sees as `window.postureApi`)
 * is derived from them too. Requests are validated on the main side against
 * `IPC_REQUEST_SCHEMAS`. Types only plus schemas: no Node or Electron imports.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { CheckId, CheckStatus, Platform } from './check-ids.js';

/** What the tray shows, in the order of precedence the state machine resolves them. */
export const TRAY_STATES = ['unenrolled', 'checking', 'offline', 'non_compliant', 'warning', 'compliant'] as const;
export type TrayState = (typeof TRAY_STATES)[number];

/** One fact a person can read: "Lock delay: 5 min". */
export interface FactLine {
  label: string;
  value: string;
}

/** An OS settings page the main process may open (validated against its allow-list). */
export interface SettingsLink {
  url: string;
  /** Button text: "Open FileVault settings". */
  label: string;
}

export interface CheckView {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /** The check's own sentence about what it saw. */
  summary: string;
  facts: FactLine[];
  /** What the policy asks, in words; null when the policy sets nothing for this check. */
  requirement: string | null;
  /** Present for failing and unknown checks. */
  remediation: { steps: string[]; settings: SettingsLink | null } | null;
}

export interface ResourceView {
  name: string;
  decision: 'allow' | 'deny';
  /** The service's sentence: "Access to jupyter-hub is allowed." / "To reach …, fix …". */
  reason: string;
}

export interface WarningView {
  /** "Screen lock required for jupyter-hub from 1 Dec 2026". */
  text: string;
  resource: string;
  /** ISO date-time of the deadline, when there is one. */
  until: string | null;
}

/** Everything the status window shows, computed in the main process by a pure presenter. */
export interface StatusView {
  state: TrayState;
  /** The state in one sentence. */
  headline: string;
  platform: Platform;
  device: { id: string; user: string; service: string } | null;
  checks: CheckView[];
  /** Where the local verdict's requirements came from. */
  judgedAgainst: 'service' | 'baseline' | 'none';
  resources: ResourceView[];
  warnings: WarningView[];
  lastAttestedAt: string | null;
  tokenExpiresAt: string | null;
  offlineSince: string | null;
  /** The last error in words (offline, enrolment failed). */
  problem: string | null;
  enrollment: { serviceUrl: string | null; serviceUrlLocked: boolean };
  generatedAt: string;
}

export const EnrollRequestSchema = Type.Object(
  {
    code: Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9._~-]+$' }),
    serviceUrl: Type.Optional(Type.String({ minLength: 8, maxLength: 2048, pattern: '^https?://' })),
  },
  { additionalProperties: false },
);
export type EnrollRequest = Static<typeof EnrollRequestSchema>;

export const OpenSettingsRequestSchema = Type.Object({ url: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });
export type OpenSettingsRequest = Static<typeof OpenSettingsRequestSchema>;

const Empty = Type.Null();

export interface EnrollResult {
  ok: boolean;
  /** Why it failed, in words; empty on success. */
  message: string;
}

/** Invoke channels: renderer asks, main answers. */
export interface IpcContract {
  'posture:get-status': { request: null; response: StatusView };
  'posture:check-now': { request: null; response: StatusView };
  'posture:enroll': { request: EnrollRequest; response: EnrollResult };
  'posture:open-settings': { request: OpenSettingsRequest; response: { opened: boolean } };
  'posture:copy-device-id': { request: null; response: { copied: boolean } };
}
export type IpcChannel = keyof IpcContract;
export type IpcRequest<C extends IpcChannel> = IpcContract[C]['request'];
export type IpcResponse<C extends IpcChannel> = IpcContract[C]['response'];

/** Request schemas the main side validates before a handler runs. */
export const IPC_REQUEST_SCHEMAS = {
  'posture:get-status': Empty,
  'posture:check-now': Empty,
  'posture:enroll': EnrollRequestSchema,
  'posture:open-settings': OpenSettingsRequestSchema,
  'posture:copy-device-id': Empty,
} as const satisfies Record<IpcChannel, unknown>;

/** Push channels: main tells the renderer. */
export interface IpcEvents {
  'posture:status-changed': StatusView;
}
export type IpcEventChannel = keyof IpcEvents;

/** The bridge method name for each invoke channel. */
export interface IpcMethodNames {
  getStatus: 'posture:get-status';
  checkNow: 'posture:check-now';
  enroll: 'posture:enroll';
  openSettings: 'posture:open-settings';
  copyDeviceId: 'posture:copy-device-id';
}

type Invoker<C extends IpcChannel> = IpcRequest<C> extends null ? () => Promise<IpcResponse<C>> : (request: IpcRequest<C>) => Promise<IpcResponse<C>>;

/** What the preload exposes as `window.postureApi`: one method per channel, plus the push subscription. */
export type PostureApi = { readonly [M in keyof IpcMethodNames]: Invoker<IpcMethodNames[M]> } & {
  /** Subscribes to status pushes; returns the unsubscribe function. */
  onStatusChanged(listener: (view: IpcEvents['posture:status-changed']) => void): () => void;
};

/** The global name the preload exposes the bridge under. */
export const POSTURE_API_GLOBAL = 'postureApi';
