/** Every failure the application reports on purpose carries one of these codes. */
export type AppErrorCode =
  | "CONTENT_INVALID"
  | "CONFIG_INVALID"
  | "DATABASE_UNAVAILABLE"
  | "NOT_FOUND"
  | "BAD_REQUEST";

/** The one application error type: a code for machines, a message for people. */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** HTTP status for each code; only the route layer translates errors to responses. */
export const httpStatusFor: Record<AppErrorCode, number> = {
  CONTENT_INVALID: 500,
  CONFIG_INVALID: 500,
  DATABASE_UNAVAILABLE: 503,
  NOT_FOUND: 404,
  BAD_REQUEST: 400,
};

/** True when `error` is an AppError (optionally with the given code). */
export function isAppError(error: unknown, code?: AppErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
