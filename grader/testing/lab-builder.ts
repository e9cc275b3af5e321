import { ZLabFileSchema, type Lab } from "../lab/schema";

const common = { failureMessage: "Expected it; found {observed}.", hint: "Try again.", lesson: "#best-practices" };

/** A one-task lab around the given checks (missing common fields filled in), validated like a real file. */
export function labWith(checks: Record<string, unknown>[], namespace = "immutable-lab"): Lab {
  const filled: Record<string, unknown>[] = checks.map((check) => ({
    points: 1,
    title: String(check.id),
    ...common,
    ...check,
  }));
  // Real labs must prove every absentOrFalse check can fail with a mutant; test labs do the same.
  const absent = filled.filter((c) => c.absentOrFalse === true).map((c) => String(c.id));
  const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "x" } };
  const file = ZLabFileSchema.parse({
    title: "Test lab",
    namespace,
    tasks: [
      {
        id: "task",
        title: "Task",
        points: filled.reduce((s, c) => s + Number(c.points), 0),
        instructions: "Do it.",
        checks: filled,
      },
    ],
    solution: { manifests: [pod] },
    // Every lab ships two alternative answers; these differ from the solution only by a label.
    alternatives: ["a", "b"].map((id) => ({
      id,
      description: `Alternative ${id}.`,
      manifests: [{ ...pod, metadata: { name: "x", labels: { alternative: id } } }],
    })),
    mutants: absent.length
      ? [
          {
            id: "sets-the-fields",
            description: "Sets what the absentOrFalse checks forbid.",
            manifests: [pod],
            mustFail: absent,
          },
        ]
      : [],
  });
  return { ...file, id: "test/lab", file: "/dev/null", contentVersion: "0".repeat(64) };
}
