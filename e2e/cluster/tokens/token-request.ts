import { nowIso } from "../clock";
import { isRecord } from "../is-record";
import { badRequest, conflict, invalid, notFound, type TFieldError } from "../k8s-status";
import type { Registry } from "../registry/registry";
import type { TKubeObject } from "../types";
import {
  expirationExtensionSeconds,
  serviceAccountIssuer,
  warnOnlyBoundTokenExpirationSeconds,
  type TClaimRef,
  type TokenIssuer,
} from "./token-issuer";

/** authentication.k8s.io/v1 TokenRequest, as `POST .../serviceaccounts/<name>/token` takes and answers it. */
export type TTokenRequest = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; creationTimestamp?: string | null };
  spec?: {
    audiences?: string[];
    expirationSeconds?: number;
    boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string };
  };
  status?: { token: string; expirationTimestamp: string };
};

const tokenRequestKind = "TokenRequest";
const tokenRequestRef = { resource: "TokenRequest", group: "authentication.k8s.io" };
/** TokenRequestSpec's default lifetime (pkg/apis/authentication/v1 defaults): one hour. */
const defaultExpirationSeconds = 3600;

/**
 * The TokenRequest subresource's create (pkg/registry/core/serviceaccount/storage/token.go), shared by the
 * REST route and the kubelet: the account must exist, the audience defaults to the API server's, the
 * lifetime to an hour (at least ten minutes), an optional Pod or Secret binding is checked and named in the
 * claims (a Pod also names its node), and a pod-bound token asked for the token volume's 3607 s really lives
 * a year, with `warnafter` at 3607 s, as `--service-account-extend-token-expiration` makes it.
 */
export function createTokenRequest(
  registry: Registry,
  issuer: TokenIssuer,
  namespace: string,
  name: string,
  body: unknown,
): TTokenRequest {
  const request = (isRecord(body) ? structuredClone(body) : {}) as TTokenRequest;
  request.metadata ??= {};
  request.spec ??= {};
  const mismatch = (field: string, value: string, what: string): never => {
    throw invalid(tokenRequestKind, tokenRequestRef, name, [
      { field, type: "FieldValueInvalid", value, detail: `must match the service account ${what} if specified` },
    ]);
  };
  if (request.metadata.name && request.metadata.name !== name) mismatch("metadata.name", request.metadata.name, "name");
  if (request.metadata.namespace && request.metadata.namespace !== namespace)
    mismatch("metadata.namespace", request.metadata.namespace, "namespace");
  const kind = (resource: string) => {
    const found = registry.scheme.resource("", "v1", resource);
    if (!found) throw new Error(`the ${resource} kind is not registered`);
    return found;
  };
  const account = registry.get(kind("serviceaccounts"), namespace, name);
  const accountRef = { name, uid: account.metadata.uid ?? "" };
  const spec = request.spec;
  if (!spec.audiences || spec.audiences.length === 0) spec.audiences = [serviceAccountIssuer];
  spec.expirationSeconds ??= defaultExpirationSeconds;
  request.metadata = {
    name,
    namespace,
    uid: accountRef.uid,
    creationTimestamp: nowIso(),
  };
  const errors: TFieldError[] = [];
  if (spec.expirationSeconds < 600)
    errors.push({
      field: "spec.expirationSeconds",
      type: "FieldValueInvalid",
      value: spec.expirationSeconds,
      detail: "may not specify a duration less than 10 minutes",
    });
  if (spec.expirationSeconds > 2 ** 32)
    errors.push({
      field: "spec.expirationSeconds",
      type: "FieldValueInvalid",
      value: spec.expirationSeconds,
      detail: "may not specify a duration larger than 2^32 seconds",
    });
  if (errors.length > 0) throw invalid(tokenRequestKind, tokenRequestRef, "", errors);

  let pod: Required<TClaimRef> | undefined;
  let secret: Required<TClaimRef> | undefined;
  let node: TClaimRef | undefined;
  const ref = spec.boundObjectRef;
  if (ref) {
    const group = (ref.apiVersion ?? "").includes("/") ? (ref.apiVersion ?? "").split("/")[0] : "";
    const checkUid = (object: TKubeObject, resource: string) => {
      if (ref.uid && ref.uid !== object.metadata.uid)
        throw conflict(
          { resource, group: "" },
          ref.name ?? "",
          `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
        );
    };
    if (group === "" && ref.kind === "Pod") {
      const found = registry.get(kind("pods"), namespace, ref.name ?? "") as TKubeObject & {
        spec?: { serviceAccountName?: string; nodeName?: string };
      };
      if (found.spec?.serviceAccountName !== name)
        throw badRequest(
          `cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`,
        );
      checkUid(found, "Pod");
      pod = { name: found.metadata.name ?? "", uid: found.metadata.uid ?? "" };
      // This cluster has no Node objects: the API server then names the node without a uid.
      if (found.spec.nodeName) node = { name: found.spec.nodeName };
    } else if (group === "" && ref.kind === "Secret") {
      const found = registry.get(kind("secrets"), namespace, ref.name ?? "");
      checkUid(found, "Secret");
      secret = { name: found.metadata.name ?? "", uid: found.metadata.uid ?? "" };
    } else if (group === "" && ref.kind === "Node") {
      throw notFound({ resource: "nodes", group: "" }, ref.name ?? "");
    } else {
      const version = (ref.apiVersion ?? "").split("/").at(-1) ?? "";
      throw badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${ref.kind ?? ""}`);
    }
  }

  // Only pod-bound tokens for the API server's own audience, asked for exactly 3607 s, are extended.
  const extended =
    pod !== undefined &&
    spec.expirationSeconds === warnOnlyBoundTokenExpirationSeconds &&
    spec.audiences.every((audience) => audience === serviceAccountIssuer);
  const now = Date.now();
  const issued = issuer.issueBound(
    {
      namespace,
      serviceAccount: accountRef,
      pod,
      secret,
      node,
      audiences: spec.audiences,
      expirationSeconds: extended ? expirationExtensionSeconds : spec.expirationSeconds,
      warnAfterSeconds: extended ? spec.expirationSeconds : undefined,
    },
    now,
  );
  const expiration = new Date(issued.issuedAt * 1000 + spec.expirationSeconds * 1000);
  return {
    kind: "TokenRequest",
    apiVersion: "authentication.k8s.io/v1",
    metadata: request.metadata,
    spec,
    status: { token: issued.token, expirationTimestamp: expiration.toISOString().replace(/\.\d{3}Z$/, "Z") },
  };
}
