import { z } from "zod";
import { parseCidr } from "../network/ip-range";
import { isRecord } from "@/lib/json/is-record";

const ZNameSchema = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a lowercase DNS label (a-z, 0-9, '-')")
  .max(63);

const ZRegexSchema = z
  .string()
  .min(1)
  .refine((source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  }, "must be a valid regular expression")
  // A pattern that matches empty text would pass on an empty log or an exec with no output.
  .refine((source) => {
    try {
      return !new RegExp(source).test("");
    } catch {
      return true;
    }
  }, "must not match empty text (it would pass on an empty log or no output)");

/**
 * Container names are not part of a lab's contract (`kubectl run` names the container after the pod,
 * YAML often after the image): a check may omit it and then reads the pod's only container.
 */
const ZContainerNameSchema = ZNameSchema.optional();

const ZMountPathSchema = z.string().startsWith("/", "must be an absolute path like /var/cache/nginx");

// Selecting list members by a name the learner chose makes a correct answer with other names fail.
const LEARNER_NAMED_LISTS = ["containers", "initContainers", "ephemeralContainers", "volumes", "volumeMounts"];

const ZFieldPathSchema = z
  .string()
  .min(1)
  .refine(
    (path) => !LEARNER_NAMED_LISTS.some((list) => new RegExp(`(^|\\.)${list}\\[name=`).test(path)),
    `must not select ${LEARNER_NAMED_LISTS.join(", ")} by name: learners choose those names; use [*] (or emptyDirMountAt, or omit container)`,
  );

/** A Kubernetes manifest as written in a lab file; unknown fields are the API server's business. */
export const ZManifestSchema = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({
    name: ZNameSchema.or(
      z
        .string()
        .regex(/^[a-z0-9.-]+$/)
        .max(253),
    ),
  }),
});
export type TManifest = z.infer<typeof ZManifestSchema>;

/** Reference to any object by apiVersion/kind/name; namespaced kinds live in the lab namespace. */
export const ZObjectRefSchema = z.strictObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  name: z.string().min(1).max(253),
});
export type TObjectRef = z.infer<typeof ZObjectRefSchema>;

const checkBase = {
  id: ZNameSchema,
  title: z.string().min(1),
  points: z.number().int().positive(),
  // `{observed}` is replaced with what the grader saw; the filled message is capped below 200 chars.
  failureMessage: z.string().min(1).max(199),
  hint: z.string().min(1),
  lesson: z.string().regex(/^#[a-z0-9-]+$/, "must be a lesson anchor like #why-nginx-fails"),
  // Checks (earlier in the file) that must pass for this one to count, e.g. "not privileged any more"
  // only means something once the privileged variant was made.
  requires: z.array(ZNameSchema).min(1).optional(),
};

export const ZObjectExistsCheckSchema = z.strictObject({
  ...checkBase,
  type: z.literal("objectExists"),
  object: ZObjectRefSchema,
});

export const ZPodConditionCheckSchema = z.strictObject({
  ...checkBase,
  type: z.literal("podCondition"),
  pod: ZNameSchema,
  container: ZContainerNameSchema,
  expect: z
    .strictObject({
      phase: z
        .array(z.enum(["Pending", "Running", "Succeeded", "Failed", "Unknown"]))
        .min(1)
        .optional(),
      ready: z.boolean().optional(),
      restartCountAtLeast: z.number().int().positive().optional(),
      // Matches the current waiting/terminated reason or the last termination reason.
      reasonIn: z.array(z.string().min(1)).min(1).optional(),
    })
    .refine((e) => Object.keys(e).length > 0, "needs at least one of phase, ready, restartCountAtLeast, reasonIn"),
});

export const ZFieldCheckSchema = z
  .strictObject({
    ...checkBase,
    type: z.literal("field"),
    pod: ZNameSchema.optional(),
    container: ZContainerNameSchema,
    object: ZObjectRefSchema.optional(),
    // One path, or (with `contains` only) several whose values are pooled: the same logic may sit in
    // a policy's validations or in its variables, and either shape is a correct answer.
    path: z.union([ZFieldPathSchema, z.array(ZFieldPathSchema).min(1)]).optional(),
    equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
    absentOrFalse: z.literal(true).optional(),
    contains: z.union([z.string().min(1), z.number(), z.boolean()]).optional(),
    // One mount path, or several of which any one will do (nginx's PID directory is /run, reached
    // through the /var/run symlink, so an emptyDir at either is right).
    emptyDirMountAt: z.union([ZMountPathSchema, z.array(ZMountPathSchema).min(1)]).optional(),
  })
  .superRefine((c, ctx) => {
    const ops = (["equals", "absentOrFalse", "contains", "emptyDirMountAt"] as const).filter((k) => c[k] !== undefined);
    if (ops.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["equals"],
        message: `needs exactly one of equals, absentOrFalse, contains, emptyDirMountAt (found ${ops.length})`,
      });
    }
    if ((c.pod === undefined) === (c.object === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["pod"],
        message: "needs exactly one target: pod (with container) or object",
      });
    }
    if (c.container !== undefined && c.pod === undefined) {
      ctx.addIssue({ code: "custom", path: ["container"], message: "container applies to a pod field check" });
    }
    if (Array.isArray(c.path) && c.contains === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["path"],
        message: "a list of paths only works with contains (equals and absentOrFalse need one path)",
      });
    }
    if (c.emptyDirMountAt !== undefined && c.pod === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["emptyDirMountAt"],
        message: "emptyDirMountAt applies to a pod container",
      });
    }
    if (c.emptyDirMountAt === undefined && c.path === undefined) {
      ctx.addIssue({ code: "custom", path: ["path"], message: "a field check needs a path" });
    }
  });

export const ZExecCheckSchema = z.strictObject({
  ...checkBase,
  type: z.literal("exec"),
  pod: ZNameSchema,
  container: ZContainerNameSchema,
  // argv, never a shell string built from input; `{{probeFile}}` becomes a fresh unique name per run.
  command: z.array(z.string().min(1)).min(1),
  expect: z.strictObject({
    exit: z.union([z.literal("zero"), z.literal("nonzero"), z.number().int().min(0).max(255)]),
    outputMatches: ZRegexSchema.optional(),
  }),
  cleanup: z.array(z.string().min(1)).min(1).optional(),
  // The behaviour needs this node feature: where the kubelet or runtime says the node lacks it, the check
  // reports "unsupported" (left out of the maximum score) instead of failing the learner.
  nodeFeature: z.enum(["apparmor"]).optional(),
});

export const ZLogsCheckSchema = z.strictObject({
  ...checkBase,
  type: z.literal("logs"),
  pod: ZNameSchema,
  container: ZContainerNameSchema,
  pattern: ZRegexSchema,
  from: z.enum(["current", "previous", "any"]).default("any"),
});

/**
 * Where a dry-run goes: the lab namespace, or another namespace that exists in every cluster (e.g.
 * `default`, to show that a policy binding does not reach unlabelled namespaces).
 */
const ZDryRunNamespaceSchema = ZNameSchema.optional();

export const ZDryRunRejectedCheckSchema = z.strictObject({
  ...checkBase,
  type: z.literal("dryRunRejected"),
  manifest: ZManifestSchema,
  namespace: ZDryRunNamespaceSchema,
  // Required: quota, LimitRange or a deleting namespace also reject a create; only the message says why.
  messageMatches: ZRegexSchema,
});

const ZLabelMapSchema = z.record(
  z
    .string()
    .regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, "must be a label key")
    .max(317),
  z.string().max(63),
);

/** One end of a connection a reachability check asks about. */
const ZEndpointSchema = z.union([
  // A pod in the lab namespace, read from the cluster (labels, IPs, named ports).
  z.strictObject({ pod: ZNameSchema }),
  // Existing pods in another namespace (the cluster DNS), every one judged; at least one must exist.
  z.strictObject({ pods: z.strictObject({ namespace: ZNameSchema, matchLabels: ZLabelMapSchema }) }),
  // A pod that does not exist, to ask "what if" (a look-alike in another namespace); its namespace has no policies.
  z.strictObject({
    hypotheticalPod: z.strictObject({
      namespace: ZNameSchema.optional(),
      labels: ZLabelMapSchema,
      namespaceLabels: ZLabelMapSchema.default({}),
    }),
  }),
  // Addresses outside the cluster's pods, e.g. 169.254.169.254/32.
  z.strictObject({
    cidr: z
      .string()
      .regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, "must be a CIDR like 169.254.169.254/32")
      .refine((text) => parseCidr(text) !== null, "must be a valid IPv4 or IPv6 CIDR"),
  }),
]);
export type TEndpoint = z.infer<typeof ZEndpointSchema>;

export const ZReachabilityCheckSchema = z
  .strictObject({
    ...checkBase,
    type: z.literal("reachability"),
    from: ZEndpointSchema,
    to: ZEndpointSchema,
    port: z.number().int().min(1).max(65535),
    protocol: z.enum(["TCP", "UDP", "SCTP"]).default("TCP"),
    expect: z.enum(["allowed", "denied"]),
    // Evidence from inside the source pod (wget, nc, nslookup); argv only, `{{namespace}}` becomes the
    // graded namespace. Exit 0 means the connection worked.
    probe: z.strictObject({ command: z.array(z.string().min(1)).min(1), container: ZNameSchema.optional() }).optional(),
  })
  .superRefine((c, ctx) => {
    if ("cidr" in c.from && "cidr" in c.to) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "a connection needs a pod at one end at least" });
    }
    if (c.probe && !("pod" in c.from)) {
      ctx.addIssue({ code: "custom", path: ["probe"], message: "a probe runs in the source pod: from must be a pod" });
    }
  });
export type TReachabilityCheck = z.infer<typeof ZReachabilityCheckSchema>;

/** A DNS host name as certificates and Ingress rules carry it (lower case, no wildcard). */
const ZHostNameSchema = z
  .string()
  .max(253)
  .regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "must be a DNS name like secure.cks.test",
  );

export const ZCertificateCheckSchema = z.strictObject({
  ...checkBase,
  type: z.literal("certificate"),
  // A `kubernetes.io/tls` Secret in the lab namespace; its key is read only to check that it matches.
  secret: ZNameSchema,
  // The Ingress must name this Secret in a tls entry covering `host`, as the controller would pick it.
  servedBy: z.strictObject({ ingress: ZNameSchema, host: ZHostNameSchema }).optional(),
  // Nothing listed: the Secret is a kubernetes.io/tls Secret whose tls.crt parses.
  expect: z
    .strictObject({
      coversHost: ZHostNameSchema.optional(),
      keyMatches: z.literal(true).optional(),
      validNow: z.literal(true).optional(),
    })
    .default({}),
});
export type TCertificateCheck = z.infer<typeof ZCertificateCheckSchema>;

export const ZDryRunAdmittedCheckSchema = z.strictObject({
  ...checkBase,
  type: z.literal("dryRunAdmitted"),
  manifest: ZManifestSchema,
  namespace: ZDryRunNamespaceSchema,
});

/**
 * Adds an ephemeral container to one of the lab's pods with a server-side dry-run, as `kubectl debug`
 * would: a policy that means to cover every container must cover these too (they arrive as an UPDATE of
 * the pod's `ephemeralcontainers` subresource, not as a pod CREATE).
 */
export const ZEphemeralContainerDryRunCheckSchema = z
  .strictObject({
    ...checkBase,
    type: z.literal("ephemeralContainerDryRun"),
    pod: ZNameSchema,
    ephemeralContainer: z.looseObject({ name: ZNameSchema, image: z.string().min(1) }),
    expect: z.enum(["admitted", "rejected"]),
    // Required for "rejected", for the same reason as dryRunRejected's: only the message says why.
    messageMatches: ZRegexSchema.optional(),
  })
  .superRefine((check, ctx) => {
    if (check.expect === "rejected" && check.messageMatches === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["messageMatches"],
        message: "a rejected ephemeral container needs messageMatches (the reason that proves which rule refused it)",
      });
    if (check.expect === "admitted" && check.messageMatches !== undefined)
      ctx.addIssue({ code: "custom", path: ["messageMatches"], message: "messageMatches applies to expect: rejected" });
  });

/** One question of an access-review matrix: may the subject do this, and should it? */
export const ZAccessRequestSchema = z.strictObject({
  verb: z.string().regex(/^([a-z]+|\*)$/, "must be one verb like get, list, watch, create, delete, or *"),
  // The resource's API group: "" (the default) is the core group, of pods, secrets and serviceaccounts.
  group: z
    .string()
    .regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?|\*)?$/, "must be an API group like apps or rbac.authorization.k8s.io")
    .default(""),
  resource: z.string().regex(/^([a-z0-9]+|\*)$/, "must be a plural resource name like pods or secrets"),
  subresource: z
    .string()
    .regex(/^[a-z]+$/, "must be a subresource name like log or exec")
    .optional(),
  // Omitted: the lab namespace (it follows --namespace and labs:verify's fresh namespaces). Another name asks
  // about that namespace (`default`, `kube-system`); "" asks about every namespace at once, which only a
  // ClusterRoleBinding can grant.
  namespace: z.union([ZNameSchema, z.literal("")]).optional(),
  name: z.string().min(1).max(253).optional(),
  expect: z.enum(["allowed", "denied"]),
});
export type TAccessRequest = z.infer<typeof ZAccessRequestSchema>;

export const ZAccessReviewCheckSchema = z
  .strictObject({
    ...checkBase,
    type: z.literal("accessReview"),
    // A ServiceAccount in the lab namespace, asked about with the groups its tokens carry.
    serviceAccount: ZNameSchema,
    requests: z.array(ZAccessRequestSchema).min(1).max(40),
  })
  .superRefine((check, ctx) => {
    const seen = new Set<string>();
    check.requests.forEach((request, r) => {
      const key = JSON.stringify([
        request.verb,
        request.group,
        request.resource,
        request.subresource,
        request.namespace,
        request.name,
      ]);
      if (seen.has(key))
        ctx.addIssue({
          code: "custom",
          path: ["requests", r],
          message: "asks the same question as an earlier request",
        });
      seen.add(key);
    });
  });
export type TAccessReviewCheck = z.infer<typeof ZAccessReviewCheckSchema>;

export const ZCheckSchema = z.discriminatedUnion("type", [
  ZObjectExistsCheckSchema,
  ZPodConditionCheckSchema,
  ZFieldCheckSchema,
  ZExecCheckSchema,
  ZLogsCheckSchema,
  ZDryRunRejectedCheckSchema,
  ZReachabilityCheckSchema,
  ZCertificateCheckSchema,
  ZDryRunAdmittedCheckSchema,
  ZEphemeralContainerDryRunCheckSchema,
  ZAccessReviewCheckSchema,
]);
export type TCheck = z.infer<typeof ZCheckSchema>;
export type TCheckType = TCheck["type"];
export type TObjectExistsCheck = z.infer<typeof ZObjectExistsCheckSchema>;
export type TPodConditionCheck = z.infer<typeof ZPodConditionCheckSchema>;
export type TFieldCheck = z.infer<typeof ZFieldCheckSchema>;
export type TExecCheck = z.infer<typeof ZExecCheckSchema>;
export type TLogsCheck = z.infer<typeof ZLogsCheckSchema>;
export type TDryRunRejectedCheck = z.infer<typeof ZDryRunRejectedCheckSchema>;
export type TDryRunAdmittedCheck = z.infer<typeof ZDryRunAdmittedCheckSchema>;
export type TEphemeralContainerDryRunCheck = z.infer<typeof ZEphemeralContainerDryRunCheckSchema>;

export const ZTaskSchema = z
  .strictObject({
    id: ZNameSchema,
    title: z.string().min(1),
    points: z.number().int().positive(),
    instructions: z.string().min(1),
    checks: z.array(ZCheckSchema).min(1),
  })
  .superRefine((task, ctx) => {
    const sum = task.checks.reduce((total, check) => total + check.points, 0);
    if (sum !== task.points) {
      ctx.addIssue({
        code: "custom",
        path: ["points"],
        message: `task points (${task.points}) must equal the sum of its checks' points (${sum})`,
      });
    }
  });
export type TTask = z.infer<typeof ZTaskSchema>;

const ZLabelsSchema = z.record(z.string().min(1).max(317), z.string().max(63));

export const ZMutantSchema = z.strictObject({
  id: ZNameSchema,
  description: z.string().min(1),
  /** Labels for the namespace; the solution's when absent. */
  namespaceLabels: ZLabelsSchema.optional(),
  manifests: z.array(ZManifestSchema).min(1),
  mustFail: z.array(ZNameSchema).min(1),
  // exact: every check not listed must pass; otherwise the listed ones must fail and others may do anything.
  exact: z.boolean().default(true),
});
export type TMutant = z.infer<typeof ZMutantSchema>;

/** Another correct answer (a different RBAC shape, imperative instead of YAML...): must score full marks. */
export const ZAlternativeSchema = z.strictObject({
  id: ZNameSchema,
  description: z.string().min(1),
  /** Labels for the namespace; the solution's when absent. */
  namespaceLabels: ZLabelsSchema.optional(),
  manifests: z.array(ZManifestSchema).min(1),
});
export type TAlternative = z.infer<typeof ZAlternativeSchema>;

/** How many alternative correct answers every lab ships beside its reference solution. */
export const MIN_ALTERNATIVES = 2;

/** The lab file (`lessons/<module>/<lesson>/lab.yaml`). */
export const ZLabFileSchema = z
  .strictObject({
    title: z.string().min(1),
    namespace: ZNameSchema,
    tasks: z.array(ZTaskSchema).min(1),
    solution: z.strictObject({
      /** Labels the learner puts on the lab namespace (e.g. what a policy binding selects on). */
      namespaceLabels: ZLabelsSchema.default({}),
      manifests: z.array(ZManifestSchema).min(1),
    }),
    alternatives: z.array(ZAlternativeSchema).default([]),
    mutants: z.array(ZMutantSchema).default([]),
  })
  .superRefine((lab, ctx) => {
    const seen = new Set<string>();
    lab.tasks.forEach((task, t) =>
      task.checks.forEach((check, c) => {
        if (seen.has(check.id)) {
          ctx.addIssue({
            code: "custom",
            path: ["tasks", t, "checks", c, "id"],
            message: `duplicate check id "${check.id}"`,
          });
        }
        seen.add(check.id);
      }),
    );
    const earlier = new Set<string>();
    lab.tasks.forEach((task, t) =>
      task.checks.forEach((check, c) => {
        check.requires?.forEach((id, r) => {
          if (!earlier.has(id)) {
            ctx.addIssue({
              code: "custom",
              path: ["tasks", t, "checks", c, "requires", r],
              message: `"${id}" must be a check that appears earlier in the file`,
            });
          }
        });
        earlier.add(check.id);
      }),
    );
    const taskIds = new Set<string>();
    lab.tasks.forEach((task, t) => {
      if (taskIds.has(task.id))
        ctx.addIssue({ code: "custom", path: ["tasks", t, "id"], message: `duplicate task id "${task.id}"` });
      taskIds.add(task.id);
    });
    lab.mutants.forEach((mutant, m) =>
      mutant.mustFail.forEach((id, i) => {
        if (!seen.has(id)) {
          ctx.addIssue({ code: "custom", path: ["mutants", m, "mustFail", i], message: `unknown check id "${id}"` });
        }
      }),
    );
    if (lab.alternatives.length < MIN_ALTERNATIVES) {
      ctx.addIssue({
        code: "custom",
        path: ["alternatives"],
        params: { near: "solution" },
        message: `a lab needs at least ${MIN_ALTERNATIVES} alternative correct solutions beside solution (found ${lab.alternatives.length}): another RBAC shape, imperative instead of YAML, pod- instead of container-level settings`,
      });
    }
    const answers = new Map<string, string>([
      [canonical(lab.solution.namespaceLabels, lab.solution.manifests), "solution"],
    ]);
    lab.alternatives.forEach((alternative, a) => {
      const key = canonical(alternative.namespaceLabels ?? lab.solution.namespaceLabels, alternative.manifests);
      const same = answers.get(key);
      if (same !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["alternatives", a, "manifests"],
          message: `alternative "${alternative.id}" is the same answer as ${same}; an alternative must differ`,
        });
      }
      answers.set(key, `alternative "${alternative.id}"`);
    });
    const alternativeIds = new Set<string>();
    lab.alternatives.forEach((alternative, a) => {
      if (alternativeIds.has(alternative.id))
        ctx.addIssue({
          code: "custom",
          path: ["alternatives", a, "id"],
          message: `duplicate alternative id "${alternative.id}"`,
        });
      alternativeIds.add(alternative.id);
    });
    lab.tasks.forEach((task, t) =>
      task.checks.forEach((check, c) => {
        const admits =
          check.type === "dryRunAdmitted" || (check.type === "ephemeralContainerDryRun" && check.expect === "admitted");
        if (admits && !check.requires) {
          ctx.addIssue({
            code: "custom",
            path: ["tasks", t, "checks", c, "requires"],
            message: `check "${check.id}" needs requires: [a check proving the policy rejects]; any cluster without the policy admits the object too`,
          });
        }
      }),
    );
    // An access review that only expects "denied" passes on an empty cluster, where nobody may do anything:
    // it counts only once a review proving that something is allowed has passed.
    const grants = new Set(
      lab.tasks.flatMap((task) =>
        task.checks.flatMap((check) =>
          check.type === "accessReview" && check.requests.some((request) => request.expect === "allowed")
            ? [check.id]
            : [],
        ),
      ),
    );
    lab.tasks.forEach((task, t) =>
      task.checks.forEach((check, c) => {
        if (check.type !== "accessReview") return;
        if (!grants.has(check.id) && !check.requires?.some((id) => grants.has(id)))
          ctx.addIssue({
            code: "custom",
            path: ["tasks", t, "checks", c, "requires"],
            message: `check "${check.id}" expects only "denied", which an empty cluster answers too: add requires: [an accessReview check with an allowed request]`,
          });
        check.requests.forEach((request, r) => {
          if (request.namespace === lab.namespace)
            ctx.addIssue({
              code: "custom",
              path: ["tasks", t, "checks", c, "requests", r, "namespace"],
              message: `omit namespace for the lab namespace (${lab.namespace}): written out, it would not follow --namespace or labs:verify's fresh namespaces`,
            });
        });
      }),
    );
    const mutantIds = new Set<string>();
    lab.mutants.forEach((mutant, m) => {
      if (mutantIds.has(mutant.id))
        ctx.addIssue({ code: "custom", path: ["mutants", m, "id"], message: `duplicate mutant id "${mutant.id}"` });
      mutantIds.add(mutant.id);
    });
    // An "absent or false" check fails on an empty namespace only because the object is missing,
    // so the empty phase cannot prove it can fail at all (a mistyped path always reads as absent).
    // A mutant that sets the field must show that it does.
    const provenToFail = new Set(lab.mutants.flatMap((mutant) => mutant.mustFail));
    lab.tasks.forEach((task, t) =>
      task.checks.forEach((check, c) => {
        if (check.type === "field" && check.absentOrFalse && !provenToFail.has(check.id)) {
          ctx.addIssue({
            code: "custom",
            path: ["tasks", t, "checks", c, "absentOrFalse"],
            message: `check "${check.id}" needs a mutant that lists it in mustFail, to prove the field path can fail`,
          });
        }
      }),
    );
  });
export type TLabFile = z.infer<typeof ZLabFileSchema>;

/** A validated lab as the grader and the web app use it. */
export type Lab = TLabFile & {
  /** "<module>/<lesson>", from the file's location. */
  id: string;
  /** Absolute path of lab.yaml. */
  file: string;
  /** sha256 (hex) of the lab file's bytes: results graded against older content can be told apart. */
  contentVersion: string;
};

// Key order and the order of namespace labels do not make a different answer; manifest order does not either.
function canonical(labels: Record<string, string>, manifests: TManifest[]): string {
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : isRecord(value)
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => [k, sorted(v)]),
          )
        : value;
  return JSON.stringify(sorted({ labels, manifests: manifests.map((m) => JSON.stringify(sorted(m))).sort() }));
}

/** Lab ids are "<module>/<lesson>"; validated before they ever touch the file system. */
export const ZLabIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*$/, "lab id must look like module/lesson");

/** The most a lab can score: the sum of its tasks' points (each task's points equal its checks'). */
export function labMaxScore(lab: Pick<TLabFile, "tasks">): number {
  return lab.tasks.reduce((sum, task) => sum + task.points, 0);
}
