import { isAppError } from "@/lib/errors/app-error";

/** Runs a command-line task; failures print one line, not a stack trace, and exit 1. */
export async function runCli(task: () => Promise<void>): Promise<void> {
  try {
    await task();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Our own errors are written for people (file, line, field); anything else is cut to one line.
    // (Prisma's messages start with a blank line: the first line with words is the one to show.)
    const firstLine = message.split("\n").find((line) => line.trim()) ?? message;
    console.error(isAppError(error) ? `error: ${message}` : `error: ${firstLine.trim()}`);
    if (process.env.DEBUG && error instanceof Error) console.error(error.stack);
    process.exit(1);
  }
}
