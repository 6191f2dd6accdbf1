/** The shape every check implements: per-platform collectors plus one pure rule. */
import type { CheckId, Gap, Platform } from '../../shared/check-ids.js';
import type { FactsByCheck } from '../../shared/facts/index.js';
import type { IdTokenFacts } from '../../shared/facts/mfa.js';
import type { Requirements } from '../../shared/requirements.js';
import type { Rule } from '../../shared/rules/findings.js';
import type { ProbeRunner } from '../probes/types.js';

/** Settings a check may need beyond probes (e.g. the IdP issuer for MFA). */
export interface CheckSettings {
  /** OIDC issuer the agent signs users in with; MFA is `unknown: not-configured` without one. */
  mfaIssuer?: string;
  /** The user's last sign-in at that issuer (`posture-agent login`): its ID token facts and hash. */
  mfaSignIn?: { facts: IdTokenFacts; idTokenHash: string };
}

export interface CollectContext {
  probes: ProbeRunner;
  platform: Platform;
  /** The collection's clock: real time live, the bundle's time on replay. */
  now: () => Date;
  settings: CheckSettings;
}

/**
 * What a collector saw. `facts` is undefined only when nothing could be read; facts it
 * wanted but could not read are listed in `gaps` with a reason.
 */
export interface Observation<F> {
  facts?: F;
  gaps: Gap[];
}

export type Collector<F> = (ctx: CollectContext) => Promise<Observation<F>>;

/** A probe a check may run, for the README and support teams. */
export interface ProbeDoc {
  /** Stable id: `<platform>.<tool>[-<subcommand>]`, e.g. `linux.lsblk`, `win32.manage-bde-status`. */
  id: string;
  platform: Platform;
  /** What it runs or reads, e.g. "`lsblk -J -p -o NAME,TYPE,FSTYPE,MOUNTPOINTS`". */
  runs: string;
  /** Why: which facts it gives. */
  gives: string;
}

export interface CheckDefinition<K extends CheckId = CheckId> {
  id: K;
  /** Short title for tables and the tray: "OS patch level". */
  title: string;
  /** Every probe any of its collectors may run. */
  probes: readonly ProbeDoc[];
  /** One collector per supported platform; a missing platform reports `unsupported`. */
  collectors: Partial<Record<Platform, Collector<FactsByCheck[K]>>>;
  rule: Rule<FactsByCheck[K], NonNullable<Requirements[K]>>;
}

/** Any check, for lists. */
export type AnyCheckDefinition = { [K in CheckId]: CheckDefinition<K> }[CheckId];
