import type http from "node:http";
import { ApiError, badRequest, methodNotAllowed } from "../k8s-status";
import { bytesField, readFields, readObjectMeta, text, unwrapKubernetesProtobuf } from "../protobuf";
import type { TSubresource } from "../registry/kind";
import { sendJson } from "../server/responses";
import { createTokenRequest } from "../tokens/token-request";

/**
 * `serviceaccounts/<name>/token`: a TokenRequest create (what `kubectl create token` sends, as protobuf) that
 * answers with a signed, expiring token for the account. Nothing is stored.
 */
export const serviceAccountToken: TSubresource = {
  kind: "TokenRequest",
  group: "authentication.k8s.io",
  version: "v1",
  verbs: ["create"],
  async handle({ request, response, object, cluster }) {
    if (request.method !== "POST") throw methodNotAllowed();
    const body = await readTokenRequest(request);
    const answer = createTokenRequest(
      cluster.registry,
      cluster.tokens,
      object.metadata.namespace ?? "",
      object.metadata.name ?? "",
      body,
    );
    sendJson(response, 201, answer);
  },
};

async function readTokenRequest(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if (/protobuf/.test(request.headers["content-type"] ?? "")) {
    const unwrapped = (() => {
      try {
        return unwrapKubernetesProtobuf(raw);
      } catch (error) {
        throw badRequest(`the request body could not be decoded: ${(error as Error).message}`);
      }
    })();
    if (unwrapped.kind !== "TokenRequest" || !unwrapped.raw)
      throw new ApiError({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: `a ${unwrapped.kind || "body"} is not a TokenRequest`,
        reason: "BadRequest",
        code: 400,
      });
    return decodeTokenRequest(unwrapped.raw);
  }
  const textBody = raw.toString("utf8");
  if (textBody.trim() === "") return {};
  try {
    return JSON.parse(textBody);
  } catch (error) {
    throw badRequest(`the request body could not be decoded: ${(error as Error).message}`);
  }
}

/**
 * The protobuf TokenRequest `kubectl create token` sends: ObjectMeta 1 and spec 2, whose fields are
 * audiences 1 (repeated), boundObjectRef 3 (kind 1, apiVersion 2, name 3, uid 4) and expirationSeconds 4.
 */
export function decodeTokenRequest(raw: Buffer): Record<string, unknown> {
  const fields = readFields(raw);
  const metadata = bytesField(fields, 1);
  const specBytes = bytesField(fields, 2);
  const spec: Record<string, unknown> = {};
  if (specBytes) {
    const specFields = readFields(specBytes);
    const audiences = specFields.filter((f) => f.number === 1 && Buffer.isBuffer(f.value)).map(text);
    if (audiences.length > 0) spec.audiences = audiences;
    const expiration = specFields.find((f) => f.number === 4 && !Buffer.isBuffer(f.value));
    if (expiration) spec.expirationSeconds = Number(expiration.value);
    const bound = bytesField(specFields, 3);
    if (bound) {
      const names: Record<number, string> = { 1: "kind", 2: "apiVersion", 3: "name", 4: "uid" };
      const ref: Record<string, string> = {};
      for (const field of readFields(bound)) {
        const key = names[field.number];
        if (key && Buffer.isBuffer(field.value) && field.value.length > 0) ref[key] = text(field);
      }
      spec.boundObjectRef = ref;
    }
  }
  return { metadata: metadata ? readObjectMeta(metadata) : {}, spec };
}
