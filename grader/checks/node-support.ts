import type { TPod } from "../port";
import type { NodeFeature, NodeSupportEvidence } from "../report";

// What the kubelet writes on a pod it refuses because the node cannot enforce AppArmor
// (pkg/kubelet/lifecycle: reason "AppArmor", message "Cannot enforce AppArmor: <why>"; the kubelet
// prefixes "Pod was rejected: "). Only the "not enabled on the host" cause is the node's: an empty
// Localhost profile name is the learner's mistake.
const KUBELET_NO_APPARMOR = "AppArmor is not enabled on the host";
// containerd's CRI plugin when it cannot apply AppArmor although the kubelet admitted the pod
// (no securityfs or no apparmor_parser where containerd runs): CreateContainerError with this text.
const RUNTIME_NO_APPARMOR = /apparmor is not supported/i;

/**
 * Evidence that the pod's node cannot show `feature`, from what the kubelet or the container runtime
 * reported on the pod; null when nothing says so (the behaviour can then be probed).
 */
export function missingNodeFeature(pod: TPod, feature: NodeFeature): NodeSupportEvidence | null {
  switch (feature) {
    case "apparmor": {
      const status = pod.status;
      if (status?.reason === "AppArmor" && status.message?.includes(KUBELET_NO_APPARMOR)) {
        return {
          type: "nodeSupport",
          feature,
          pod: pod.metadata.name,
          source: "kubelet",
          reason: status.reason,
          message: status.message.slice(0, 300),
        };
      }
      for (const container of status?.containerStatuses ?? []) {
        const waiting = container.state?.waiting;
        if (waiting?.reason === "CreateContainerError" && RUNTIME_NO_APPARMOR.test(waiting.message ?? "")) {
          return {
            type: "nodeSupport",
            feature,
            pod: pod.metadata.name,
            source: "runtime",
            reason: waiting.reason,
            message: (waiting.message ?? "").slice(0, 300),
          };
        }
      }
      return null;
    }
  }
}

/** How a feature is named to learners. */
export const FEATURE_NAMES: Record<NodeFeature, string> = { apparmor: "AppArmor" };
