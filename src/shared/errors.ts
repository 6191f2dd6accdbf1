/** Errors with a stable `code` from a fixed union (the service maps codes to RFC 9457 types in one place). */

export const ERROR_CODES = [
  'USAGE',
  'KEY_INSECURE_PERMISSIONS',
  'KEY_CORRUPT',
  'KEY_STORE_IO',
  'BUNDLE_INVALID',
  'INPUT_INVALID',
  'NOT_ENROLLED',
  'SERVICE_UNREACHABLE',
  'SERVICE_REJECTED',
  'SIGN_IN_FAILED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An expected failure with a stable code and a one-line message for people. */
export class PostureError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PostureError';
    this.code = code;
  }
}

/** True for a PostureError with the given code. */
export function isPostureError(e: unknown, code?: ErrorCode): e is PostureError {
  return e instanceof PostureError && (code === undefined || e.code === code);
}
