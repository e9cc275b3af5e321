/** The subset of Kubernetes object shapes the test cluster reads; everything else passes through untouched. */
export type TObjectMeta = {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
};

export type TKubeObject = { apiVersion?: string; kind?: string; metadata: TObjectMeta; [key: string]: unknown };

export type TContainerState = {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: {
    exitCode: number;
    reason: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    containerID?: string;
    signal?: number;
  };
};

export type TContainerStatus = {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: TContainerState;
  lastState: TContainerState;
};

export type TPodCondition = {
  type: string;
  status: "True" | "False";
  lastProbeTime: null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
};

export type TPodStatus = {
  phase: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
  conditions: TPodCondition[];
  hostIP?: string;
  hostIPs?: Array<{ ip: string }>;
  podIP?: string;
  podIPs?: Array<{ ip: string }>;
  startTime?: string;
  reason?: string;
  message?: string;
  initContainerStatuses?: TContainerStatus[];
  containerStatuses: TContainerStatus[];
  qosClass?: string;
};

export type TSecurityContext = {
  privileged?: boolean;
  readOnlyRootFilesystem?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
};

export type TContainer = {
  name: string;
  image: string;
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  ports?: Array<{ containerPort: number; protocol?: string; name?: string }>;
  securityContext?: TSecurityContext;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean; subPath?: string }>;
  [key: string]: unknown;
};

export type TVolume = { name: string; emptyDir?: { medium?: string; sizeLimit?: string }; [key: string]: unknown };

export type TPodSpec = {
  containers: TContainer[];
  initContainers?: TContainer[];
  volumes?: TVolume[];
  restartPolicy?: "Always" | "OnFailure" | "Never";
  securityContext?: TSecurityContext & { fsGroup?: number; supplementalGroups?: number[] };
  nodeName?: string;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  [key: string]: unknown;
};

export type TPod = TKubeObject & { spec: TPodSpec; status?: TPodStatus };
