/** What the HTTP layer needs from the policy: evaluation and the requirements to show a device. */
import type { CheckId, Platform } from '../shared/check-ids.js';
import type { EvidenceSubmod } from '../shared/evidence.js';
import type { Requirements } from '../shared/requirements.js';
import type { ResourceVerdict } from './store/types.js';

export interface PostureInput {
  submods: Partial<Record<CheckId, EvidenceSubmod>>;
  user: string;
  groups: string[];
  attestedAt: Date;
  now: Date;
  platform: Platform;
}

export interface PostureEvaluation {
  earStatus: 'affirming' | 'warning' | 'contraindicated';
  resources: Record<string, ResourceVerdict>;
  segments: Record<string, { satisfied: boolean; reasons: string[] }>;
  /** When this evaluation stops counting (attestedAt + the shortest max evidence age). */
  freshUntil: number;
}

export interface PolicyEngine {
  /** SHA-256 of the policy text: verdicts reached under another revision are re-evaluated. */
  readonly revision: string;
  evaluate(input: PostureInput): PostureEvaluation;
  /** Strictest requirements over the segments the groups reach (for the agent's local verdict). */
  requirementsFor(groups: string[]): Requirements;
  hasResource(name: string): boolean;
  resourceNames(): string[];
}
