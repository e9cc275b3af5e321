// A leaf module: lib/, grader/, scripts/ and app/ all use this one error type.

/** Every failure the application reports on purpose carries one of these codes. */
export type AppErrorCode =
  | "CONTENT_INVALID"
  | "LAB_INVALID"
  | "LAB_UNREADABLE"
  | "CONFIG_INVALID"
  | "DATABASE_UNAVAILABLE"
  | "NOT_FOUND"
  | "BAD_REQUEST"
  | "INVALID_ARGUMENT"
  | "INTERNAL";

/** A problem located in a content file: which file, which line, which field. */
export type ContentIssue = { file: string; line: number; column: number; field: string; message: string };

/**
 * The one application error type: a code for machines, a message for people, and for content
 * errors the located issues. Expected outcomes (a pod not found, a 403) are data, never this.
 */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly issues: ContentIssue[] = [],
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** HTTP status for each code; only the route layer translates errors to responses. */
export const httpStatusFor: Record<AppErrorCode, number> = {
  CONTENT_INVALID: 500,
  LAB_INVALID: 500,
  LAB_UNREADABLE: 500,
  CONFIG_INVALID: 500,
  DATABASE_UNAVAILABLE: 503,
  NOT_FOUND: 404,
  BAD_REQUEST: 400,
  INVALID_ARGUMENT: 400,
  INTERNAL: 500,
};

/** True when `error` is an AppError (optionally with the given code), even across duplicated module copies. */
export function isAppError(error: unknown, code?: AppErrorCode): error is AppError {
  const isOne = error instanceof AppError || (error instanceof Error && error.name === "AppError" && "code" in error);
  return isOne && (code === undefined || (error as AppError).code === code);
}
