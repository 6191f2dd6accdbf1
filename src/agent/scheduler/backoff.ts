/** When to attest next: the service's hint with jitter, or exponential backoff while it is unreachable. Pure. */

export interface ScheduleInput {
  /** Consecutive failures so far (0 after a success). */
  failures: number;
  /** Seconds the service suggested after the last success. */
  hintSeconds: number;
  /** A number in [0, 1) (Math.random in production). */
  random: number;
}

export const BACKOFF_BASE_S = 5;
export const BACKOFF_MAX_S = 300;

/**
 * Milliseconds until the next attempt. After a success: the hint ±10 % jitter (so a fleet
 * does not attest in lockstep). After failures: full-jitter exponential backoff
 * 5 s · 2^(n−1), capped at 5 min, never below 1 s.
 */
export function nextDelayMs({ failures, hintSeconds, random }: ScheduleInput): number {
  if (failures <= 0) {
    const jitter = 1 + (random * 0.2 - 0.1);
    return Math.round(Math.max(30, hintSeconds) * jitter * 1000);
  }
  const cap = Math.min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** Math.min(failures - 1, 16));
  return Math.round(Math.max(1, cap * random) * 1000);
}
