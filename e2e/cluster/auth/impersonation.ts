import type http from "node:http";
import { ApiError, forbiddenByAuthorizer } from "../k8s-status";
import type { TUserInfo } from "../registry/kind";
import type { ObjectStore } from "../registry/object-store";
import { authorize, forbiddenMessage, splitServiceAccountUsername } from "./authorizer";
import type { TRequestAttributes } from "./policy-rule";

type TImpersonation = { attributes: Extract<TRequestAttributes, { resourceRequest: true }> };

function headerValues(request: http.IncomingMessage, name: string): string[] {
  return (request.headersDistinct[name] ?? []).filter((value) => value !== "");
}

/** `Impersonate-Extra-<key>` keys are percent-encoded and case-insensitive. */
function extraKey(header: string): string {
  const raw = header.slice("impersonate-extra-".length).toLowerCase();
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The user a request acts as. Without `Impersonate-*` headers that is the authenticated user; with them,
 * the authenticated user must be allowed `impersonate` on each thing asked for (users, groups,
 * serviceaccounts in their namespace, uids, userextras), as kube-apiserver's impersonation filter checks,
 * and the request continues as the impersonated user: a ServiceAccount gets its groups unless groups were
 * given, and every non-anonymous user gets `system:authenticated`.
 */
export function impersonatedUser(store: ObjectStore, requestor: TUserInfo, request: http.IncomingMessage): TUserInfo {
  const username = headerValues(request, "impersonate-user")[0] ?? "";
  const groups = headerValues(request, "impersonate-group");
  const uid = headerValues(request, "impersonate-uid")[0] ?? "";
  const extras = Object.keys(request.headersDistinct)
    .filter((header) => header.startsWith("impersonate-extra-"))
    .flatMap((header) => headerValues(request, header).map((value) => ({ key: extraKey(header), value })));
  if (!username && groups.length === 0 && !uid && extras.length === 0) return requestor;

  const asks: TImpersonation[] = [];
  const ask = (resource: string, name: string, namespace = "", apiGroup = "", subresource = "") =>
    asks.push({
      attributes: { resourceRequest: true, verb: "impersonate", apiGroup, resource, subresource, namespace, name },
    });
  const serviceAccount = username ? splitServiceAccountUsername(username) : undefined;
  if (serviceAccount) ask("serviceaccounts", serviceAccount.name, serviceAccount.namespace);
  else if (username) ask("users", username);
  for (const group of groups) ask("groups", group);
  for (const extra of extras) ask("userextras", extra.value, "", "authentication.k8s.io", extra.key);
  if (uid) ask("uids", uid, "", "authentication.k8s.io");
  if (!username) {
    // The API server answers this with a plain-text 500, before any authorization.
    throw new ApiError({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message:
        "Internal error occurred: requested impersonation of groups, extras or a uid without impersonating a user",
      reason: "InternalError",
      code: 500,
    });
  }
  for (const { attributes } of asks) {
    const decision = authorize(store, requestor, attributes);
    if (!decision.allowed)
      throw forbiddenByAuthorizer(
        { resource: attributes.resource, group: attributes.apiGroup, name: attributes.name },
        forbiddenMessage(requestor, attributes),
        decision.reason,
      );
  }
  const impersonatedGroups =
    groups.length > 0
      ? [...groups]
      : serviceAccount
        ? ["system:serviceaccounts", `system:serviceaccounts:${serviceAccount.namespace}`]
        : [];
  if (username === "system:anonymous") {
    if (!impersonatedGroups.includes("system:unauthenticated")) impersonatedGroups.push("system:unauthenticated");
  } else if (
    !impersonatedGroups.includes("system:authenticated") &&
    !impersonatedGroups.includes("system:unauthenticated")
  ) {
    impersonatedGroups.push("system:authenticated");
  }
  return {
    username,
    groups: impersonatedGroups,
    ...(uid ? { uid } : {}),
    ...(extras.length > 0
      ? {
          extra: extras.reduce<Record<string, string[]>>((all, { key, value }) => {
            (all[key] ??= []).push(value);
            return all;
          }, {}),
        }
      : {}),
  };
}
