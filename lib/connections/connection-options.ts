import { isLocalRequest, type RequestFacts } from "@/lib/http/local-only";
import type { Env } from "./connection-key";

/** Instance-wide switches for classroom connections, read from the environment. */
export type ConnectionOptions = {
  /** CKS_ALLOW_HTTP_LOOPBACK=1: accept http:// servers on loopback (test clusters); https otherwise. */
  allowHttpLoopback: boolean;
  /** CKS_ALLOW_PRIVATE_CLUSTERS=1: accept private and loopback addresses (a classroom LAN, the tests). */
  allowPrivate: boolean;
  /** Accept loopback addresses: the request comes from this machine (lib/http/local-only.ts), so loopback is the learner's own. */
  allowLoopback?: boolean;
};

/** The connection switches from `env`; anything but "1" means off. */
export function connectionOptionsFromEnv(env: Env = process.env): ConnectionOptions {
  return {
    allowHttpLoopback: env.CKS_ALLOW_HTTP_LOOPBACK === "1",
    allowPrivate: env.CKS_ALLOW_PRIVATE_CLUSTERS === "1",
  };
}

/** The switches for one request: the instance's, plus loopback when the learner is at this machine (the socket says so). */
export function connectionOptionsFor(facts: RequestFacts, env: Env = process.env): ConnectionOptions {
  return { ...connectionOptionsFromEnv(env), allowLoopback: isLocalRequest(facts) };
}
