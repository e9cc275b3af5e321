import { z } from "zod";
import { KUBECONFIG_MAX_BYTES } from "./validate-kubeconfig";

/** What the connections form sends: a name for the cluster and the pasted kubeconfig. */
export const ZSaveConnectionSchema = z.strictObject({
  label: z
    .string()
    .trim()
    .min(1, "Give the connection a name, such as “my kind cluster”.")
    .max(60, "Keep the name under 60 characters.")
    // Shown back in the lab panel and on this page: one plain line.
    .regex(/^\P{Cc}+$/u, "The name must be one line without control characters."),
  kubeconfig: z
    .string()
    .min(1, "Paste the output of `kind get kubeconfig --name cks` first.")
    // Characters, not bytes: the validator measures bytes precisely; this only stops a huge form post early.
    .max(KUBECONFIG_MAX_BYTES, "The kubeconfig is too large: paste only the output of `kind get kubeconfig`."),
});
export type TSaveConnection = z.infer<typeof ZSaveConnectionSchema>;
