// What an agent lets the server do to the learner's cluster: exactly the grader's permission list
// (graderPermissions, the list docs/grader-rbac.yaml grants) for the labs the agent itself ships, plus the
// exec probes those labs declare. It is built on the learner's machine from the agent's own lab files,
// so a server, compromised or buggy, cannot widen it: it can ask for anything, and gets what grading needs.
import { CLUSTER_SCOPED, graderPermissions, pluralOf, type Perm } from "../check-permissions";
import type { Lab } from "../lab/schema";
import type { TTunnelCall } from "./protocol";

/** One argv the agent will run: literal arguments, or patterns where a run fills in a name. */
type ExecRule = { namespace: string; argv: (string | RegExp)[]; why: string };

/** The agent's allow-list: RBAC-shaped permissions and the exec commands the labs declare. */
export type AllowList = {
  readonly perms: readonly Perm[];
  readonly execs: readonly ExecRule[];
  /** The lab namespaces: access reviews may ask only about ServiceAccounts that live in one. */
  readonly namespaces: readonly string[];
};

/** The request attributes a call needs, as RBAC would see them. */
type Attributes = {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
};

// grade-lab.ts names each run's probe file `cks-probe-<8 hex>-<check id>`.
const probeFilePattern = (checkId: string) =>
  new RegExp(`^cks-probe-[0-9a-f]{8}-${checkId.replace(/[^A-Za-z0-9-]/g, "")}$`);

function argvRule(template: string[], checkId: string, namespace: string): (string | RegExp)[] {
  return template.map((arg) => {
    const withNamespace = arg.replaceAll("{{namespace}}", namespace);
    if (!withNamespace.includes("{{probeFile}}")) return withNamespace;
    const parts = withNamespace.split("{{probeFile}}").map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
    const file = probeFilePattern(checkId).source.slice(1, -1);
    return new RegExp(`^${parts.join(file)}$`);
  });
}

/** The allow-list for `labs` (the labs of this agent's own package): each in its own namespace. */
export function agentAllowList(labs: readonly Lab[]): AllowList {
  const perms: Perm[] = [];
  const execs: ExecRule[] = [];
  for (const lab of labs) {
    const checks = lab.tasks.flatMap((task) => task.checks);
    perms.push(...graderPermissions(lab.namespace, checks));
    for (const check of checks) {
      if (check.type === "exec") {
        execs.push({ namespace: lab.namespace, argv: argvRule(check.command, check.id, lab.namespace), why: check.id });
        if (check.cleanup) {
          execs.push({
            namespace: lab.namespace,
            argv: argvRule(check.cleanup, check.id, lab.namespace),
            why: check.id,
          });
        }
      }
      if (check.type === "reachability" && check.probe) {
        execs.push({
          namespace: lab.namespace,
          argv: argvRule(check.probe.command, check.id, lab.namespace),
          why: check.id,
        });
      }
    }
  }
  return { perms, execs, namespaces: labs.map((lab) => lab.namespace) };
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.split("/")[0]! : "";
}

function objectAttributes(verb: string, ref: { apiVersion: string; kind: string; name?: string; namespace?: string }) {
  const scoped = !CLUSTER_SCOPED.has(ref.kind);
  return {
    verb,
    group: groupOf(ref.apiVersion),
    resource: pluralOf(ref.kind),
    ...(scoped && ref.namespace !== undefined ? { namespace: ref.namespace } : {}),
    ...(ref.name !== undefined ? { name: ref.name } : {}),
  };
}

/** What `call` asks of the cluster, as RBAC attributes (null: a call that touches no resource). */
export function attributesOf(call: TTunnelCall): Attributes | null {
  switch (call.method) {
    case "version":
    case "reviewAccess":
      return null;
    case "readNamespace":
      return { verb: "get", group: "", resource: "namespaces", namespace: call.name, name: call.name };
    case "readPod":
      return { verb: "get", group: "", resource: "pods", namespace: call.namespace, name: call.name };
    case "readObject":
      return objectAttributes("get", call.ref);
    case "listObjects":
      return objectAttributes("list", { ...call.args, name: undefined });
    case "readLogs":
      return {
        verb: "get",
        group: "",
        resource: "pods",
        subresource: "log",
        namespace: call.args.namespace,
        name: call.args.pod,
      };
    case "exec":
      return {
        verb: "create",
        group: "",
        resource: "pods",
        subresource: "exec",
        namespace: call.args.namespace,
        name: call.args.pod,
      };
    case "create": {
      const { apiVersion = "", kind = "" } = call.manifest;
      return objectAttributes("create", { apiVersion, kind, namespace: call.target.namespace });
    }
    case "addEphemeralContainer":
      return {
        verb: "patch",
        group: "",
        resource: "pods",
        subresource: "ephemeralcontainers",
        namespace: call.args.namespace,
        name: call.args.pod,
      };
    case "delete":
      return objectAttributes("delete", call.ref);
    case "reviewSubjectAccess":
      return { verb: "create", group: "authorization.k8s.io", resource: "subjectaccessreviews" };
  }
}

/** One line for the agent's console: what the server asked for, kubectl-style. */
export function describeCall(call: TTunnelCall): string {
  if (call.method === "version") return "get /version";
  if (call.method === "reviewAccess") {
    const r = call.request;
    return `can-i ${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ""}${r.namespace ? ` -n ${r.namespace}` : ""}`;
  }
  if (call.method === "reviewSubjectAccess") {
    const r = call.request;
    return `can-i ${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ""}${r.namespace ? ` -n ${r.namespace}` : ""} --as ${r.user}`;
  }
  const a = attributesOf(call)!;
  const resource = `${a.resource}${a.group ? `.${a.group}` : ""}${a.subresource ? `/${a.subresource}` : ""}`;
  const where = a.namespace ? ` -n ${a.namespace}` : "";
  const name = a.name ? ` ${a.name}` : "";
  if (call.method === "exec")
    return `exec ${call.args.pod} -c ${call.args.container}${where} -- ${call.args.command.join(" ")}`;
  const dry =
    (call.method === "create" && call.target.dryRun) || (call.method === "addEphemeralContainer" && call.args.dryRun);
  return `${a.verb} ${resource}${name}${where}${dry ? " (dry-run)" : ""}`;
}

function permits(perm: Perm, a: Attributes): boolean {
  return (
    perm.verb === a.verb &&
    perm.group === a.group &&
    perm.resource === a.resource &&
    perm.subresource === a.subresource &&
    perm.namespace === a.namespace &&
    (perm.name === undefined || perm.name === a.name)
  );
}

function argvMatches(rule: (string | RegExp)[], argv: string[]): boolean {
  return (
    rule.length === argv.length && rule.every((r, i) => (typeof r === "string" ? r === argv[i] : r.test(argv[i]!)))
  );
}

/** Null when the agent may perform `call`; otherwise why not, in one sentence for its console and the server. */
export function refusalOf(list: AllowList, call: TTunnelCall): string | null {
  // Who am I and what may I do: no resource touched, nothing learned but the answer to the question.
  if (call.method === "version" || call.method === "reviewAccess") return null;
  if (call.method === "create" && call.target.dryRun !== true) return "only server-side dry-run creates are allowed";
  if (call.method === "addEphemeralContainer" && !call.args.dryRun) {
    return "only server-side dry-run ephemeral containers are allowed";
  }
  const attributes = attributesOf(call)!;
  if (!list.perms.some((perm) => permits(perm, attributes))) return "not on the agent's allow-list";
  // accessReview checks ask about a lab's ServiceAccount; questions about people stay on the laptop.
  if (call.method === "reviewSubjectAccess") {
    const account = /^system:serviceaccount:([^:]+):[^:]+$/.exec(call.request.user);
    if (!account || !list.namespaces.includes(account[1]!)) return "only a lab ServiceAccount's access may be reviewed";
  }
  if (call.method === "exec") {
    const { namespace, command } = call.args;
    const declared = list.execs.some((rule) => rule.namespace === namespace && argvMatches(rule.argv, command));
    if (!declared) return "no lab declares this command";
  }
  return null;
}
