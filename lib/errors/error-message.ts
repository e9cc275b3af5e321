// A leaf module beside app-error.ts: every layer turns a caught value into text the same way.

/** The text of anything thrown: an Error's message, else the value as a string. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The first non-blank line of what was thrown (library messages often append a stack or a dump). */
export function errorLine(error: unknown): string {
  return (
    errorMessage(error)
      .split("\n")
      .find((line) => line.trim() !== "")
      ?.trim() ?? "unknown error"
  );
}

/** The class name of anything thrown, for logs that must not quote it (its message may hold credentials). */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "unknown error";
}
