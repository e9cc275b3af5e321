import { parseArgs } from "node:util";
import { z } from "zod";
import { errorMessage } from "@/lib/errors/error-message";

const ZCliArgsSchema = z.object({
  positionals: z.array(z.string()),
  context: z.string().min(1).optional(),
  kubeconfig: z.string().min(1).optional(),
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "--namespace must be a DNS label")
    .optional(),
  lab: z.array(z.string()).optional(),
  json: z.boolean().default(false),
  help: z.boolean().default(false),
});
export type TCliArgs = z.infer<typeof ZCliArgsSchema>;

/** Parses the flags both CLIs share; returns an error message instead of throwing. */
export function parseCliArgs(argv: string[]): { ok: true; args: TCliArgs } | { ok: false; failure: string } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        context: { type: "string" },
        kubeconfig: { type: "string" },
        namespace: { type: "string" },
        lab: { type: "string", multiple: true },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    const parsed = ZCliArgsSchema.safeParse({ ...values, positionals });
    if (!parsed.success) return { ok: false, failure: parsed.error.issues.map((i) => i.message).join("; ") };
    return { ok: true, args: parsed.data };
  } catch (error) {
    return { ok: false, failure: errorMessage(error) };
  }
}

/** ANSI colours only when writing to a terminal, so logs and CI output stay clean. */
export function painter(enabled: boolean) {
  const wrap = (code: number) => (text: string) => (enabled ? `\u001b[${code}m${text}\u001b[0m` : text);
  return { green: wrap(32), red: wrap(31), yellow: wrap(33), dim: wrap(2), bold: wrap(1) };
}
