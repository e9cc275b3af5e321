// The grader's public API: what the web app, the CLIs and the tests call.
export { loadAllLabs, loadLab, findLab, findLabFiles } from "./lab/load-lab";
export {
  ZLabIdSchema,
  labMaxScore,
  type Lab,
  type TTask,
  type TCheck,
  type TCheckType,
  type TManifest,
  type TMutant,
  type TAlternative,
} from "./lab/schema";
export { gradeLab, ZGradeTimeoutsSchema, type GradeLabOptions, type TGradeTimeouts } from "./grade-lab";
export { checkConnection, type ConnectionStatus } from "./check-connection";
export { verifyLab, phasesOf, type PhaseOutcome, type VerifyLabResult } from "./verify/verify-lab";
export { applyManifests, removeApplied, type AppliedManifests } from "./verify/apply-manifests";
export { waitForFullMarks } from "./verify/grade-until";
export { checkPermissions, graderPermissions, type Perm, type PermissionReport } from "./check-permissions";
export {
  connectCluster,
  listContexts,
  ZConnectOptionsSchema,
  ZKubeconfigSourceSchema,
  type ConnectResult,
  type ConnectFailure,
  type ContextInfo,
  type ListContextsResult,
  type TConnectOptions,
  type TKubeconfigSource,
} from "./cluster/connect-cluster";
export {
  KUBECONFIG_MAX_BYTES,
  KUBECONFIG_MAX_ALIASES,
  FORBIDDEN_KUBECONFIG_FIELDS,
  parseKubeconfigText,
  findForbiddenKubeconfigField,
} from "./cluster/kubeconfig-rules";
export {
  checkClusterHost,
  classifyAddress,
  refusalFor,
  systemLookup,
  type AddressClass,
  type AddressPolicy,
  type HostCheck,
  type Lookup,
} from "./cluster/outbound/check-cluster-address";
export { DEFAULT_OUTBOUND_LIMITS, type TOutboundLimits } from "./cluster/outbound/limits";
export type { ClusterConnectionOptions } from "./cluster/client-node-cluster";
export { clusterText, boundClusterData, EVIDENCE_BOUNDS } from "./cluster-text";
export type {
  ClusterPort,
  ClusterFailure,
  CallResult,
  CallOptions,
  AccessRequest,
  AccessDecision,
  KubeObject,
  ObjectRef,
} from "./port";
export type {
  GradeReport,
  CheckResult,
  CheckStatus,
  CheckOutcome,
  Evidence,
  ReachabilitySide,
  TaskScore,
  RunProblem,
} from "./report";
export { parseCliArgs, painter, type TCliArgs } from "./cli/args";
export { ZCheckOutcomeSchema, ZCheckStatusSchema, ZEvidenceSchema } from "./result-schema";
export { AppError, isAppError, type AppErrorCode, type ContentIssue } from "@/lib/errors/app-error";
export { createTunnelCluster, type TunnelCluster, type TunnelLink } from "./tunnel/tunnel-cluster";
export { createAgentEndpoint, type AgentEndpoint } from "./tunnel/agent-endpoint";
export { agentAllowList, refusalOf, describeCall, type AllowList } from "./tunnel/allow-list";
export {
  TUNNEL_PATH,
  TUNNEL_PROTOCOL,
  TUNNEL_LIMITS,
  ZAgentFrameSchema,
  ZServerFrameSchema,
  parseFrame,
  type TAgentFrame,
  type TServerFrame,
  type TTunnelCall,
} from "./tunnel/protocol";
