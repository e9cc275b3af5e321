/**
 * Known fields of the Pod objects learners write, for strict field validation
 * (`kubectl create/apply` send `fieldValidation=Strict`). Objects not described here are not checked.
 */
import { leaf, map, objectShape, unknownFieldsIn, type TShape } from "./field-schema";

const securityContext: TShape = {
  fields: {
    allowPrivilegeEscalation: leaf,
    appArmorProfile: map,
    capabilities: { fields: { add: { list: leaf }, drop: { list: leaf } } },
    privileged: leaf,
    procMount: leaf,
    readOnlyRootFilesystem: leaf,
    runAsGroup: leaf,
    runAsNonRoot: leaf,
    runAsUser: leaf,
    seLinuxOptions: map,
    seccompProfile: map,
    windowsOptions: map,
  },
};
const container: TShape = {
  fields: {
    args: { list: leaf },
    command: { list: leaf },
    env: { list: { fields: { name: leaf, value: leaf, valueFrom: map } } },
    envFrom: { list: map },
    image: leaf,
    imagePullPolicy: leaf,
    lifecycle: map,
    livenessProbe: map,
    name: leaf,
    ports: { list: { fields: { containerPort: leaf, hostIP: leaf, hostPort: leaf, name: leaf, protocol: leaf } } },
    readinessProbe: map,
    resizePolicy: { list: map },
    resources: map,
    restartPolicy: leaf,
    securityContext,
    startupProbe: map,
    stdin: leaf,
    stdinOnce: leaf,
    terminationMessagePath: leaf,
    terminationMessagePolicy: leaf,
    tty: leaf,
    volumeDevices: { list: map },
    volumeMounts: {
      list: {
        fields: {
          mountPath: leaf,
          mountPropagation: leaf,
          name: leaf,
          readOnly: leaf,
          recursiveReadOnly: leaf,
          subPath: leaf,
          subPathExpr: leaf,
        },
      },
    },
    workingDir: leaf,
  },
};
const podSecurityContext: TShape = {
  fields: {
    ...securityContext.fields,
    fsGroup: leaf,
    fsGroupChangePolicy: leaf,
    supplementalGroups: { list: leaf },
    supplementalGroupsPolicy: leaf,
    sysctls: { list: map },
    seLinuxChangePolicy: leaf,
  },
};
const volumeSources = [
  "awsElasticBlockStore",
  "azureDisk",
  "azureFile",
  "cephfs",
  "cinder",
  "configMap",
  "csi",
  "downwardAPI",
  "ephemeral",
  "fc",
  "flexVolume",
  "flocker",
  "gcePersistentDisk",
  "gitRepo",
  "glusterfs",
  "hostPath",
  "image",
  "iscsi",
  "nfs",
  "persistentVolumeClaim",
  "photonPersistentDisk",
  "portworxVolume",
  "projected",
  "quobyte",
  "rbd",
  "scaleIO",
  "secret",
  "storageos",
  "vsphereVolume",
];
const volume: TShape = {
  fields: {
    name: leaf,
    emptyDir: { fields: { medium: leaf, sizeLimit: leaf } },
    ...Object.fromEntries(volumeSources.map((source) => [source, map])),
  },
};
/** PodSpec, as a Pod and every pod template (Deployment, ReplicaSet) carry it. */
export const podSpec: TShape = {
  fields: {
    activeDeadlineSeconds: leaf,
    affinity: map,
    automountServiceAccountToken: leaf,
    containers: { list: container },
    dnsConfig: map,
    dnsPolicy: leaf,
    enableServiceLinks: leaf,
    ephemeralContainers: { list: map },
    hostAliases: { list: map },
    hostIPC: leaf,
    hostNetwork: leaf,
    hostPID: leaf,
    hostUsers: leaf,
    hostname: leaf,
    imagePullSecrets: { list: map },
    initContainers: { list: container },
    nodeName: leaf,
    nodeSelector: map,
    os: map,
    overhead: map,
    preemptionPolicy: leaf,
    priority: leaf,
    priorityClassName: leaf,
    readinessGates: { list: map },
    resourceClaims: { list: map },
    resources: map,
    restartPolicy: leaf,
    runtimeClassName: leaf,
    schedulerName: leaf,
    schedulingGates: { list: map },
    securityContext: podSecurityContext,
    serviceAccount: leaf,
    serviceAccountName: leaf,
    setHostnameAsFQDN: leaf,
    shareProcessNamespace: leaf,
    subdomain: leaf,
    terminationGracePeriodSeconds: leaf,
    tolerations: { list: map },
    topologySpreadConstraints: { list: map },
    volumes: { list: volume },
  },
};
const pod = objectShape({ spec: podSpec, status: map });

/** Paths of fields a Pod manifest sets that the Pod schema does not have (`spec.containers[0].imagee`). */
export function unknownPodFields(manifest: unknown): string[] {
  return unknownFieldsIn(manifest, pod);
}
