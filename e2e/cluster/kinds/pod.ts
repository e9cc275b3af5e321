import { humanAge } from "../clock";
import { nodeName } from "../host";
import { badRequest, invalid, notFoundPath } from "../k8s-status";
import { nodeIp } from "../network/addresses";
import { crudVerbs, type TKind } from "../registry/kind";
import { podRow } from "../runtime/pod-status";
import { sendJson } from "../server/responses";
import { column } from "../server/table";
import { podAttach } from "../subresources/pod-attach";
import { podEphemeralContainers } from "../subresources/pod-ephemeral-containers";
import { podExec } from "../subresources/pod-exec";
import { podLog } from "../subresources/pod-log";
import type { TPod, TVolume } from "../types";
import { unknownPodFields } from "./pod-schema";
import { prepareEphemeralContainersUpdate } from "./pod-ephemeral-containers";
import { syncAppArmorAnnotations } from "./pod-security-profiles";
import { validatePod } from "./pod-validation";

/** Fills in what the API server's defaulting adds to a new pod (pull policy, restartPolicy, tolerations, ...). */
export function defaultPod(pod: TPod): TPod {
  const spec = pod.spec;
  spec.restartPolicy ??= "Always";
  spec.dnsPolicy ??= "ClusterFirst";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= "default-scheduler";
  spec.serviceAccountName ??= spec.serviceAccount ?? "default";
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= "PreemptLowerPriority";
  spec.priority ??= 0;
  // Bound at once to the one node, as a one-node cluster's scheduler would.
  spec.nodeName ??= nodeName;
  spec.tolerations ??= [
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  ];
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    const tag = container.image.includes("@")
      ? "digest"
      : /:[^/]+$/.test(container.image)
        ? container.image.slice(container.image.lastIndexOf(":") + 1)
        : "latest";
    container.imagePullPolicy ??= tag === "latest" ? "Always" : "IfNotPresent";
    container.terminationMessagePath ??= "/dev/termination-log";
    container.terminationMessagePolicy ??= "File";
    container.resources ??= {};
    for (const port of container.ports ?? []) port.protocol ??= "TCP";
  }
  for (const variable of [...(spec.initContainers ?? []), ...spec.containers].flatMap((c) => c.env ?? []))
    defaultFieldRef((variable.valueFrom as { fieldRef?: unknown } | undefined)?.fieldRef);
  for (const volume of spec.volumes ?? []) {
    if (volume.emptyDir) volume.emptyDir = { ...volume.emptyDir };
    defaultVolumeSource(volume);
  }
  return pod;
}

// pkg/apis/core/v1 defaults: file modes 0644 (420) on secret, configMap, downwardAPI and projected volumes,
// an hour for projected tokens, apiVersion v1 on fieldRefs.
function defaultFieldRef(fieldRef: unknown): void {
  if (fieldRef && typeof fieldRef === "object") (fieldRef as { apiVersion?: string }).apiVersion ??= "v1";
}

function defaultVolumeSource(volume: TVolume): void {
  for (const kind of ["secret", "configMap", "downwardAPI", "projected"]) {
    const source = volume[kind] as { defaultMode?: number } | undefined;
    if (source && typeof source === "object") source.defaultMode ??= 420;
  }
  const items = (volume.downwardAPI as { items?: Array<{ fieldRef?: unknown }> } | undefined)?.items ?? [];
  for (const item of items) defaultFieldRef(item.fieldRef);
  const sources = (volume.projected as { sources?: Array<Record<string, unknown>> } | undefined)?.sources ?? [];
  for (const source of sources) {
    const token = source.serviceAccountToken as { expirationSeconds?: number } | undefined;
    if (token) token.expirationSeconds ??= 3600;
    const downward = source.downwardAPI as { items?: Array<{ fieldRef?: unknown }> } | undefined;
    for (const item of downward?.items ?? []) defaultFieldRef(item.fieldRef);
  }
}

/** The spec without images: the one field of a running pod an update may change. */
function comparableSpec(pod: TPod): string {
  return JSON.stringify({
    ...pod.spec,
    containers: pod.spec.containers.map((container) => ({ ...container, image: "" })),
  });
}

/** Deprecation warnings of a pod being created, from its AppArmor annotations. */
const appArmorWarnings = new WeakMap<object, string[]>();

/** core/v1 Pod: defaulted, validated strictly, run by the kubelet controller on podman; spec immutable. */
export const podKind: TKind = {
  group: "",
  version: "v1",
  kind: "Pod",
  resource: "pods",
  singular: "pod",
  namespaced: true,
  verbs: [...crudVerbs, "deletecollection"],
  shortNames: ["po"],
  categories: ["all"],
  validate(object) {
    // kube-apiserver runs the pod strategy's PrepareForCreate (which syncs the deprecated AppArmor
    // annotations into fields) before validating; the registry validates first, so it happens here.
    appArmorWarnings.set(object, syncAppArmorAnnotations(object));
    return validatePod(object);
  },
  warningsOnCreate: (object) => appArmorWarnings.get(object) ?? [],
  unknownFields: (body) => unknownPodFields(body),
  prepareForCreate(object) {
    const pod = defaultPod(object as TPod);
    pod.status = {
      phase: "Pending",
      conditions: [
        {
          type: "PodScheduled",
          status: "True",
          lastProbeTime: null,
          lastTransitionTime: pod.metadata.creationTimestamp ?? "",
        },
      ],
      hostIP: nodeIp,
      hostIPs: [{ ip: nodeIp }],
      containerStatuses: [],
      qosClass: "BestEffort",
    };
  },
  prepareForUpdate(next, existing, context) {
    const before = existing as TPod;
    const after = next as TPod;
    if (context.subresource === "ephemeralcontainers") {
      prepareEphemeralContainersUpdate(after, before);
      return;
    }
    const name = existing.metadata.name ?? "";
    const errors = validatePod(after);
    if (errors.length > 0) throw invalid("Pod", { resource: "pods", group: "" }, name, errors);
    if (comparableSpec(before) !== comparableSpec(defaultPod(after))) {
      throw invalid("Pod", { resource: "pods", group: "" }, name, [
        {
          field: "spec",
          type: "FieldValueForbidden",
          detail:
            "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
        },
      ]);
    }
    if (after.spec.containers.some((container, index) => container.image !== before.spec.containers[index]?.image)) {
      throw badRequest(
        "changing a running pod's image is not implemented by the podman test cluster; delete and recreate the pod",
      );
    }
    after.status = before.status;
  },
  // There is no graceful termination: the kubelet controller kills the containers at once.
  prepareForDelete(existing) {
    existing.metadata.deletionGracePeriodSeconds = 0;
  },
  table: {
    columns: [
      column("Name", "string", "name"),
      column("Ready"),
      column("Status"),
      column("Restarts", "string"),
      column("Age"),
      column("IP", "string", "", 1),
      column("Node", "string", "", 1),
      column("Nominated Node", "string", "", 1),
      column("Readiness Gates", "string", "", 1),
    ],
    cells: (item, now) => {
      const pod = item as TPod;
      const row = podRow(pod, now);
      return [
        pod.metadata.name,
        row.ready,
        row.status,
        row.restarts,
        humanAge(pod.metadata.creationTimestamp, now),
        pod.status?.podIP || "<none>",
        pod.spec.nodeName || "<none>",
        "<none>",
        "<none>",
      ];
    },
  },
  subresources: {
    attach: podAttach,
    ephemeralcontainers: podEphemeralContainers,
    exec: podExec,
    log: podLog,
    status: {
      kind: "Pod",
      verbs: ["get"],
      async handle({ request, response, object }) {
        if (request.method !== "GET") throw notFoundPath();
        sendJson(response, 200, object);
      },
    },
  },
};
