import type { TContainer, TPod } from "../types";
import type { TConfigProblem } from "./podman-args";
import { fieldRefValue, type TPodObjects } from "./volume-files";

type TKeyRef = { name?: string; key?: string; optional?: boolean };
type TValueFrom = {
  secretKeyRef?: TKeyRef;
  configMapKeyRef?: TKeyRef;
  fieldRef?: { fieldPath?: string };
  resourceFieldRef?: unknown;
  fileKeyRef?: unknown;
};
type TEnvFromSource = {
  prefix?: string;
  secretRef?: { name?: string; optional?: boolean };
  configMapRef?: { name?: string; optional?: boolean };
};

class EnvProblem extends Error {}

function read(objects: TPodObjects, resource: "secrets" | "configmaps", name: string): Map<string, string> | undefined {
  const object = objects.get(resource, name) as { data?: Record<string, string> } | undefined;
  if (!object) return undefined;
  const entries = Object.entries(object.data ?? {});
  return new Map(
    resource === "secrets"
      ? entries.map(([key, value]) => [key, Buffer.from(value, "base64").toString("utf8")])
      : entries,
  );
}

/**
 * The environment the kubelet gives a container (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables):
 * `envFrom` sources first, then `env`, later names winning; values from Secrets, ConfigMaps and the
 * downward API. A missing Secret, ConfigMap or key that is not optional stops the container with
 * CreateContainerConfigError and the kubelet's wording.
 */
export function containerEnv(
  pod: TPod,
  container: TContainer,
  objects: TPodObjects,
): { env: Array<{ name: string; value: string }> } | { problem: TConfigProblem } {
  const namespace = pod.metadata.namespace ?? "";
  const values = new Map<string, string>();
  try {
    for (const source of (container.envFrom ?? []) as TEnvFromSource[]) {
      const ref = source.secretRef ?? source.configMapRef;
      const resource = source.secretRef ? "secrets" : "configmaps";
      const found = read(objects, resource, ref?.name ?? "");
      if (!found) {
        if (ref?.optional === true) continue;
        throw new EnvProblem(`${resource === "secrets" ? "secret" : "configmap"} "${ref?.name ?? ""}" not found`);
      }
      for (const [key, value] of found) values.set(`${source.prefix ?? ""}${key}`, value);
    }
    for (const variable of container.env ?? []) {
      const from = variable.valueFrom as TValueFrom | undefined;
      if (!from) {
        values.set(variable.name, variable.value ?? "");
        continue;
      }
      const keyRef = from.secretKeyRef ?? from.configMapKeyRef;
      if (keyRef) {
        const secret = from.secretKeyRef !== undefined;
        const found = read(objects, secret ? "secrets" : "configmaps", keyRef.name ?? "");
        const value = found?.get(keyRef.key ?? "");
        if (value === undefined) {
          if (keyRef.optional === true) continue;
          throw new EnvProblem(
            found
              ? `couldn't find key ${keyRef.key ?? ""} in ${secret ? "Secret" : "ConfigMap"} ${namespace}/${keyRef.name ?? ""}`
              : `${secret ? "secret" : "configmap"} "${keyRef.name ?? ""}" not found`,
          );
        }
        values.set(variable.name, value);
        continue;
      }
      const fieldPath = from.fieldRef?.fieldPath;
      const value = fieldPath === undefined ? undefined : fieldRefValue(pod, fieldPath);
      if (value === undefined)
        throw new EnvProblem(
          `env "${variable.name}" uses a valueFrom source the podman test cluster does not implement (${fieldPath ?? Object.keys(from).join(",")})`,
        );
      values.set(variable.name, value);
    }
  } catch (error) {
    if (error instanceof EnvProblem)
      return { problem: { reason: "CreateContainerConfigError", message: error.message } };
    throw error;
  }
  return { env: [...values].map(([name, value]) => ({ name, value })) };
}
