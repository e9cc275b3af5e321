import type { TKind, TTableColumn, TTablePrinter } from "../registry/kind";
import { humanAge } from "../clock";
import type { TKubeObject } from "../types";

/** A table column as the API server declares it; `priority` 1 columns show only with `-o wide`. */
export function column(name: string, type = "string", format = "", priority = 0): TTableColumn {
  return { name, type, format, description: name, priority };
}

/** NAME and AGE: what the API server prints for kinds without their own columns. */
export const defaultTable: TTablePrinter = {
  columns: [column("Name", "string", "name"), column("Age")],
  cells: (item, now) => [item.metadata.name, humanAge(item.metadata.creationTimestamp, now)],
};

/** Server-side printing (`as=Table`), which is what `kubectl get` shows, with the kind's columns. */
export function toTable(
  kind: TKind,
  items: TKubeObject[],
  resourceVersion: string,
  includeObject: string,
  now = Date.now(),
) {
  const printer = kind.table ?? defaultTable;
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: printer.columns,
    rows: items.map((item) => ({
      cells: printer.cells(item, now),
      object:
        includeObject === "Object"
          ? item
          : includeObject === "None"
            ? undefined
            : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: item.metadata },
    })),
  };
}
