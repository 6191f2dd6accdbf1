/**
 * RFC 9457 problem details: one stable `type` per error code, mapped in one place.
 */

export const PROBLEM_BASE = 'tag:ai-factory-posture.dev,2026:problem:';

/** Every error the service answers with, its HTTP status and title. */
export const PROBLEMS = {
  'bad-request': [400, 'The request is malformed'],
  'unsupported-media-type': [415, 'Unsupported media type'],
  'payload-too-large': [413, 'The request body is too large'],
  'not-found': [404, 'Not found'],
  'method-not-allowed': [405, 'Method not allowed'],
  'unauthorized': [401, 'Authentication required'],
  'forbidden': [403, 'Not allowed'],
  'rate-limited': [429, 'Too many requests'],
  'enrollment-code-invalid': [403, 'The enrolment code is invalid, used or expired'],
  'proof-of-possession-invalid': [400, 'The proof of possession does not verify'],
  'device-key-in-use': [409, 'This device key is already enrolled'],
  'evidence-malformed': [400, 'The evidence is not a well-formed token'],
  'evidence-signature-invalid': [401, 'The evidence signature does not verify'],
  'evidence-algorithm-rejected': [401, 'The evidence uses an algorithm other than ES256'],
  'evidence-type-rejected': [401, 'The evidence has the wrong token type or profile'],
  'evidence-unknown-key': [401, 'The evidence is signed by a key no enrolled device holds'],
  'evidence-expired': [401, 'The evidence is expired or not yet valid'],
  'evidence-audience-mismatch': [401, 'The evidence is for another audience'],
  'evidence-issuer-mismatch': [401, 'The evidence issuer is not the device that holds the key'],
  'evidence-nonce-invalid': [401, 'The evidence nonce is unknown, used or expired'],
  'evidence-replayed': [401, 'The evidence was already presented'],
  'evidence-claims-invalid': [400, 'The evidence claims do not match the evidence profile'],
  'device-revoked': [403, 'The device is revoked'],
  'device-unknown': [404, 'No such device'],
  'posture-token-invalid': [401, 'The posture token is missing or invalid'],
  'posture-noncompliant': [403, 'The device does not meet the policy for this resource'],
  'posture-stale': [403, 'The device has not attested recently enough'],
  'resource-unknown': [403, 'The resource is not in the policy'],
  'internal': [500, 'Internal error'],
  'unavailable': [503, 'The service is not ready'],
} as const satisfies Record<string, readonly [number, string]>;

export type ProblemCode = keyof typeof PROBLEMS;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Machine-readable reason codes (policy verdicts). */
  reasons?: string[];
  [extension: string]: unknown;
}

/** An error that the service answers as problem+json. */
export class ProblemError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly extensions: Record<string, unknown>;
  constructor(code: ProblemCode, detail?: string, extensions: Record<string, unknown> = {}) {
    super(detail ?? PROBLEMS[code][1]);
    this.name = 'ProblemError';
    this.code = code;
    this.status = PROBLEMS[code][0];
    this.extensions = extensions;
  }
}

/** The problem document for a code. */
export function problem(code: ProblemCode, detail?: string, extensions: Record<string, unknown> = {}): Problem {
  const [status, title] = PROBLEMS[code];
  return { type: `${PROBLEM_BASE}${code}`, title, status, ...(detail ? { detail } : {}), ...extensions };
}
