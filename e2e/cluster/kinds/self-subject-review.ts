import type { TKind } from "../registry/kind";
import { reviewBody } from "./access-review";

const authenticationGroup = "authentication.k8s.io";

/** authentication.k8s.io/v1 SelfSubjectReview: who the API server thinks is asking (`kubectl auth whoami`). */
export const selfSubjectReviewKind: TKind = {
  group: authenticationGroup,
  version: "v1",
  kind: "SelfSubjectReview",
  resource: "selfsubjectreviews",
  singular: "selfsubjectreview",
  namespaced: false,
  verbs: ["create"],
  review(raw, { user }) {
    reviewBody(raw, "SelfSubjectReview", `${authenticationGroup}/v1`);
    return {
      kind: "SelfSubjectReview",
      apiVersion: `${authenticationGroup}/v1`,
      metadata: { creationTimestamp: null },
      status: {
        userInfo: {
          username: user.username,
          ...(user.uid ? { uid: user.uid } : {}),
          groups: user.groups,
          ...(user.extra ? { extra: user.extra } : {}),
        },
      },
    };
  },
  // `kubectl auth whoami` sends an empty object.
  decodeProtobuf: () => ({ metadata: {} }),
};
