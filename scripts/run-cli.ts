import { isAppError } from "@/lib/errors/app-error";
import { errorLine, errorMessage } from "@/lib/errors/error-message";

/** Runs a command-line task; failures print one line, not a stack trace, and exit 1. */
export async function runCli(task: () => Promise<void>): Promise<void> {
  try {
    await task();
  } catch (error) {
    // Our own errors are written for people (file, line, field); anything else is cut to one line.
    // (errorLine skips the blank line Prisma's messages start with.)
    console.error(`error: ${isAppError(error) ? errorMessage(error) : errorLine(error)}`);
    if (process.env.DEBUG && error instanceof Error) console.error(error.stack);
    process.exit(1);
  }
}
