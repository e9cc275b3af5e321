import type http from "node:http";
import { parse as parseYaml } from "yaml";
import { ApiError, badRequest } from "../k8s-status";
import { decodeKubernetesProtobuf } from "../protobuf";
import type { Scheme } from "../registry/scheme";

/** Reads a request body as JSON, YAML or Kubernetes protobuf (by Content-Type); undefined when empty. */
export async function readBody(request: http.IncomingMessage, scheme: Scheme): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const type = request.headers["content-type"] ?? "";
  if (/protobuf/.test(type)) {
    try {
      return decodeKubernetesProtobuf(raw, scheme);
    } catch (error) {
      throw new ApiError({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: (error as Error).message,
        reason: "UnsupportedMediaType",
        code: 415,
      });
    }
  }
  const text = raw.toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return /yaml/.test(type) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw badRequest(`the request body could not be decoded: ${(error as Error).message}`);
  }
}
