import type { TKind } from "../registry/kind";
import { humanAge } from "../clock";
import { column } from "../server/table";
import type { TKubeObject } from "../types";

/** The fields of a core/v1 Event that printing reads. */
export type TEvent = TKubeObject & {
  lastTimestamp?: string;
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: {
    kind?: string;
    name?: string;
    namespace?: string;
    uid?: string;
    apiVersion?: string;
    fieldPath?: string;
  };
};

/** core/v1 Event: written by the cluster's own components (controllers/event-recorder.ts), read by learners. */
export const eventKind: TKind = {
  group: "",
  version: "v1",
  kind: "Event",
  resource: "events",
  singular: "event",
  namespaced: true,
  verbs: ["get", "list", "watch"],
  shortNames: ["ev"],
  table: {
    columns: [column("Last Seen"), column("Type"), column("Reason"), column("Object"), column("Message")],
    cells: (item, now) => {
      const event = item as TEvent;
      return [
        humanAge(event.lastTimestamp, now),
        event.type ?? "",
        event.reason ?? "",
        `${(event.involvedObject?.kind ?? "").toLowerCase()}/${event.involvedObject?.name ?? ""}`,
        event.message ?? "",
      ];
    },
  },
};
