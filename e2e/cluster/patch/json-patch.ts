import { isRecord } from "../is-record";
import { ApiError, badRequest } from "../k8s-status";

/** JSON patch (RFC 6902): add, replace, remove and test; other operations are refused plainly. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw badRequest("json patch must be a list of operations");
  const document = structuredClone(target) as Record<string, unknown>;
  for (const operation of operations) {
    if (!isRecord(operation) || typeof operation.path !== "string") throw badRequest("invalid json patch operation");
    const keys = operation.path
      .split("/")
      .slice(1)
      .map((key) => key.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = keys.pop();
    let parent: unknown = document;
    for (const key of keys)
      parent = Array.isArray(parent) ? parent[Number(key)] : isRecord(parent) ? parent[key] : undefined;
    if (last === undefined || (!isRecord(parent) && !Array.isArray(parent)))
      throw badRequest(`json patch path ${operation.path} does not exist`);
    const container = parent as Record<string, unknown> | unknown[];
    switch (operation.op) {
      case "add":
        if (Array.isArray(container))
          container.splice(last === "-" ? container.length : Number(last), 0, operation.value);
        else container[last] = operation.value;
        break;
      case "replace":
        if (Array.isArray(container)) container[Number(last)] = operation.value;
        else container[last] = operation.value;
        break;
      case "remove":
        if (Array.isArray(container)) container.splice(Number(last), 1);
        else delete container[last];
        break;
      case "test":
        if (
          JSON.stringify(Array.isArray(container) ? container[Number(last)] : container[last]) !==
          JSON.stringify(operation.value)
        )
          throw new ApiError({
            kind: "Status",
            apiVersion: "v1",
            metadata: {},
            status: "Failure",
            message: `the server rejected our request due to an error in our request: test failed for ${operation.path}`,
            reason: "Invalid",
            code: 422,
          });
        break;
      default:
        throw badRequest(`json patch operation ${String(operation.op)} is not supported by the test cluster`);
    }
  }
  return document;
}
