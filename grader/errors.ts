/** Codes for situations the grader cannot turn into a result (bad lab files, bad arguments). */
export type GraderErrorCode =
  | "LAB_INVALID"
  | "LAB_UNREADABLE"
  | "INVALID_ARGUMENT"
  | "INTERNAL";

/** A problem located in a lab file: which file, which line, which field. */
export type LabIssue = { file: string; line: number; column: number; field: string; message: string };

/** The grader's one application error type; expected outcomes (pod missing, 403) are data, never this. */
export class GraderError extends Error {
  readonly code: GraderErrorCode;
  readonly issues: LabIssue[];

  constructor(code: GraderErrorCode, message: string, issues: LabIssue[] = []) {
    super(message);
    this.name = "GraderError";
    this.code = code;
    this.issues = issues;
  }
}

/** True when `value` is a GraderError (works across module copies, unlike instanceof alone). */
export function isGraderError(value: unknown): value is GraderError {
  return value instanceof GraderError || (value instanceof Error && value.name === "GraderError" && "code" in value);
}
