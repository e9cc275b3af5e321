import { humanAge, podRow } from "../runtime/pod-status";
import type { TKubeObject, TPod } from "../types";

type TColumn = { name: string; type: string; format: string; description: string; priority: number };

const column = (name: string, type = "string", format = "", priority = 0): TColumn => ({
  name,
  type,
  format,
  description: name,
  priority,
});

/** Server-side printing (`as=Table`), which is what `kubectl get` shows; columns follow the real API server. */
export function toTable(
  resource: string,
  items: TKubeObject[],
  resourceVersion: string,
  includeObject: string,
  now = Date.now(),
) {
  let columns: TColumn[];
  let cells: (item: TKubeObject) => unknown[];
  switch (resource) {
    case "pods":
      columns = [
        column("Name", "string", "name"),
        column("Ready"),
        column("Status"),
        column("Restarts", "string"),
        column("Age"),
        column("IP", "string", "", 1),
        column("Node", "string", "", 1),
        column("Nominated Node", "string", "", 1),
        column("Readiness Gates", "string", "", 1),
      ];
      cells = (item) => {
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
      };
      break;
    case "namespaces":
      columns = [column("Name", "string", "name"), column("Status"), column("Age")];
      cells = (item) => [
        item.metadata.name,
        (item.status as { phase?: string } | undefined)?.phase ?? "Active",
        humanAge(item.metadata.creationTimestamp, now),
      ];
      break;
    case "validatingadmissionpolicies":
      columns = [
        column("Name", "string", "name"),
        column("Validations", "integer"),
        column("ParamKind"),
        column("Age"),
      ];
      cells = (item) => {
        const spec = (item.spec ?? {}) as {
          validations?: unknown[];
          paramKind?: { apiVersion?: string; kind?: string };
        };
        return [
          item.metadata.name,
          spec.validations?.length ?? 0,
          spec.paramKind ? `${spec.paramKind.apiVersion}/${spec.paramKind.kind}` : "<unset>",
          humanAge(item.metadata.creationTimestamp, now),
        ];
      };
      break;
    case "validatingadmissionpolicybindings":
      columns = [column("Name", "string", "name"), column("PolicyName"), column("ParamRef"), column("Age")];
      cells = (item) => {
        const spec = (item.spec ?? {}) as { policyName?: string; paramRef?: { name?: string } };
        return [
          item.metadata.name,
          spec.policyName ?? "",
          spec.paramRef ? JSON.stringify(spec.paramRef) : "<unset>",
          humanAge(item.metadata.creationTimestamp, now),
        ];
      };
      break;
    case "events":
      columns = [column("Last Seen"), column("Type"), column("Reason"), column("Object"), column("Message")];
      cells = (item) => {
        const event = item as TKubeObject & {
          lastTimestamp?: string;
          type?: string;
          reason?: string;
          message?: string;
          involvedObject?: { kind?: string; name?: string };
        };
        return [
          humanAge(event.lastTimestamp, now),
          event.type ?? "",
          event.reason ?? "",
          `${(event.involvedObject?.kind ?? "").toLowerCase()}/${event.involvedObject?.name ?? ""}`,
          event.message ?? "",
        ];
      };
      break;
    default:
      columns = [column("Name", "string", "name"), column("Age")];
      cells = (item) => [item.metadata.name, humanAge(item.metadata.creationTimestamp, now)];
  }
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: columns,
    rows: items.map((item) => ({
      cells: cells(item),
      object:
        includeObject === "Object"
          ? item
          : includeObject === "None"
            ? undefined
            : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: item.metadata },
    })),
  };
}
