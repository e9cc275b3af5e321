// Check results are stored (status and outcome as text, evidence as a JSON column) and read back for the
// lab panel, the dashboard and the graders' pages. These schemas are how they are read (lib/attempts, through
// lib/db's one list reader): validated, never cast. The types stay hand-written in report.ts; the assertions at the end fail the build when a schema
// and its type disagree, so a new outcome or kind of evidence cannot be stored without a way to read it.
import { z } from "zod";
import type { CheckOutcome, CheckStatus, Evidence } from "./report";

/** Every CheckStatus, as stored. */
export const ZCheckStatusSchema = z.enum(["pass", "fail", "error", "unsupported"]);

/** Every CheckOutcome, as stored. */
export const ZCheckOutcomeSchema = z.enum([
  "passed",
  "failed",
  "namespace-missing",
  "pod-missing",
  "container-missing",
  "container-ambiguous",
  "container-not-running",
  "object-missing",
  "admitted",
  "rejected",
  "requires-unmet",
  "cluster-unreachable",
  "unauthorized",
  "forbidden",
  "timeout",
  "exec-timeout",
  "run-timeout",
  "refused",
  "agent-disconnected",
  "unexpected",
  "unsupported",
]);

const str = z.string();
const nullable = <T extends z.ZodType>(schema: T) => schema.nullable();

const ZPodEvidenceSchema = z.object({
  type: z.literal("pod"),
  pod: str,
  container: str,
  phase: nullable(str),
  ready: nullable(z.boolean()),
  restartCount: nullable(z.number()),
  state: nullable(str),
  lastTermination: nullable(str),
});

const ZFieldEvidenceSchema = z.object({
  type: z.literal("field"),
  target: str,
  path: str,
  values: z.array(z.unknown()),
});

const ZMountEvidenceSchema = z.object({
  type: z.literal("mount"),
  pod: str,
  container: str,
  mountPath: str,
  volume: nullable(str),
  source: nullable(str),
});

const ZExecEvidenceSchema = z.object({
  type: z.literal("exec"),
  pod: str,
  container: str,
  argv: z.array(str),
  exitCode: nullable(z.number()),
  stdout: str,
  stderr: str,
  cleanup: nullable(z.object({ argv: z.array(str), exitCode: nullable(z.number()), note: str.optional() })),
});

const ZLogsEvidenceSchema = z.object({
  type: z.literal("logs"),
  pod: str,
  container: str,
  source: z.enum(["current", "previous"]).nullable(),
  excerpt: str,
});

const ZDryRunEvidenceSchema = z.object({
  type: z.literal("dryRun"),
  kind: str,
  name: str,
  operation: z.enum(["create", "debug"]).optional(),
  container: z.object({ name: str, image: str }).optional(),
  namespace: str.optional(),
  expected: z.enum(["admitted", "rejected"]).optional(),
  sent: z.unknown().optional(),
  admitted: z.boolean(),
  code: nullable(z.number()),
  reason: nullable(str),
  message: nullable(str),
});

const ZObjectEvidenceSchema = z.object({
  type: z.literal("object"),
  apiVersion: str,
  kind: str,
  name: str,
  found: z.boolean(),
});

const ZReachabilityEvidenceSchema = z.object({
  type: z.literal("reachability"),
  connection: str,
  expected: z.enum(["allowed", "denied"]),
  policies: z.enum(["allowed", "denied", "partly"]),
  sides: z.array(
    z.object({
      direction: z.enum(["egress", "ingress"]),
      pod: str,
      evaluated: z.boolean(),
      selectedBy: z.array(str),
      allowedBy: z.array(str),
      outcome: z.enum(["allowed", "denied", "partly"]),
    }),
  ),
  probe: z.enum(["connected", "failed", "not run", "could not run"]),
  decidedBy: z.enum(["policies", "probe", "policies and probe"]),
  notes: z.array(str),
});

const ZNodeSupportEvidenceSchema = z.object({
  type: z.literal("nodeSupport"),
  feature: z.literal("apparmor"),
  pod: str,
  source: z.enum(["kubelet", "runtime"]),
  reason: str,
  message: str,
});

const ZCertificateEvidenceSchema = z.object({
  type: z.literal("certificate"),
  source: str,
  secretType: nullable(str),
  subject: nullable(str),
  issuer: nullable(str),
  subjectAltNames: z.array(str),
  notBefore: nullable(str),
  notAfter: nullable(str),
  selfSigned: nullable(z.boolean()),
  sha256Fingerprint: nullable(str),
  keyMatches: nullable(z.boolean()),
});

const ZAccessReviewEvidenceSchema = z.object({
  type: z.literal("accessReview"),
  subject: str,
  rows: z.array(
    z.object({
      request: str,
      command: str,
      expected: z.enum(["allowed", "denied"]),
      answer: z.enum(["allowed", "denied"]),
      reason: nullable(str),
    }),
  ),
});

const ZCallEvidenceSchema = z.object({ type: z.literal("call"), call: str, failure: str, detail: str });

/** One piece of evidence as stored: every kind the grader produces (report.ts `Evidence`). */
export const ZEvidenceSchema = z.discriminatedUnion("type", [
  ZPodEvidenceSchema,
  ZFieldEvidenceSchema,
  ZMountEvidenceSchema,
  ZExecEvidenceSchema,
  ZLogsEvidenceSchema,
  ZDryRunEvidenceSchema,
  ZObjectEvidenceSchema,
  ZReachabilityEvidenceSchema,
  ZNodeSupportEvidenceSchema,
  ZCertificateEvidenceSchema,
  ZAccessReviewEvidenceSchema,
  ZCallEvidenceSchema,
]);

// Each schema and its hand-written type must describe the same values, both ways. "Type 'true' is not
// assignable to type 'false'" below means report.ts gained an outcome or evidence kind: add its schema above.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemasMatchTypes: [
  Same<z.infer<typeof ZCheckStatusSchema>, CheckStatus>,
  Same<z.infer<typeof ZCheckOutcomeSchema>, CheckOutcome>,
  Same<z.infer<typeof ZEvidenceSchema>, Evidence>,
] = [true, true, true];
void schemasMatchTypes;
