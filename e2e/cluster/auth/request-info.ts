import type { TRequestAttributes } from "./policy-rule";

// Subresources of a namespace that stay on the namespace itself (`/api/v1/namespaces/x/status`).
const namespaceSubresources = new Set(["status", "finalize"]);

/**
 * What the authorizer is asked for one HTTP request, derived from method and path the way kube-apiserver's
 * RequestInfoFactory does: `/api/<v>/...` and `/apis/<group>/<v>/...` with a resource are resource requests
 * (`GET` on a collection is `list`, with `watch=true` it is `watch`, `DELETE` on one is `deletecollection`);
 * everything else (`/version`, `/api`, `/apis/<group>/<v>`, `/openapi/v3`) is a non-resource request whose
 * verb is the lower-cased method. A namespace's own namespace is its name.
 */
export function requestAttributes(method: string, url: URL): TRequestAttributes {
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const methodVerb = method.toLowerCase();
  const nonResource: TRequestAttributes = { resourceRequest: false, verb: methodVerb, path };
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  let rest: string[];
  let apiGroup: string;
  if (parts[0] === "api" && parts.length >= 3) {
    apiGroup = "";
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    apiGroup = parts[1] ?? "";
    rest = parts.slice(3);
  } else {
    return nonResource;
  }
  let namespace = "";
  if (rest[0] === "namespaces" && rest.length > 1) {
    namespace = rest[1] ?? "";
    if (rest.length > 2 && !namespaceSubresources.has(rest[2] ?? "")) rest = rest.slice(2);
  }
  const [resource = "", given = "", subresource = ""] = rest;
  let name = given;
  let verb: string;
  switch (method) {
    case "POST":
      verb = "create";
      break;
    case "GET":
    case "HEAD": {
      const watching = url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1";
      verb = name ? "get" : watching ? "watch" : "list";
      // A list or watch narrowed to one name by field selector is authorised for that name.
      if (!name) name = exactName(url.searchParams.get("fieldSelector") ?? "");
      break;
    }
    case "PUT":
      verb = "update";
      break;
    case "PATCH":
      verb = "patch";
      break;
    case "DELETE":
      verb = name ? "delete" : "deletecollection";
      break;
    default:
      verb = methodVerb;
  }
  return { resourceRequest: true, verb, apiGroup, resource, subresource, namespace, name };
}

/** The name a field selector pins with `metadata.name=x` (or `==x`), or "". */
function exactName(selector: string): string {
  for (const requirement of selector.split(",")) {
    const match = /^metadata\.name==?(.+)$/.exec(requirement.trim());
    if (match?.[1] && !match[1].includes("/") && match[1] !== "." && match[1] !== "..") return match[1];
  }
  return "";
}
