import type http from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "../k8s-status";
import { clusterAdmin } from "../registry/kind";
import { impersonatedUser } from "./impersonation";
import { rbacFixture } from "./rbac-fixture";

type TFixture = Awaited<ReturnType<typeof rbacFixture>>;
let fixture: TFixture;
beforeEach(async () => {
  fixture = await rbacFixture();
});
afterEach(() => fixture.stop());

const request = (headers: Record<string, string[]>) =>
  ({
    headersDistinct: Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value])),
  }) as unknown as http.IncomingMessage;

function refusal(run: () => unknown): { code: number; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return { code: error.status.code, message: error.status.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("impersonatedUser", () => {
  it("is the authenticated user when no Impersonate header is sent", () => {
    expect(impersonatedUser(fixture.store, clusterAdmin, request({}))).toBe(clusterAdmin);
  });

  it("gives an impersonated ServiceAccount its groups and system:authenticated (kubectl --as=system:serviceaccount:ns:name)", () => {
    expect(
      impersonatedUser(
        fixture.store,
        clusterAdmin,
        request({ "Impersonate-User": ["system:serviceaccount:lab:auditor"] }),
      ),
    ).toEqual({
      username: "system:serviceaccount:lab:auditor",
      groups: ["system:serviceaccounts", "system:serviceaccounts:lab", "system:authenticated"],
    });
  });

  it("uses the groups given with --as-group instead, still adding system:authenticated", () => {
    const user = impersonatedUser(
      fixture.store,
      clusterAdmin,
      request({ "Impersonate-User": ["jane"], "Impersonate-Group": ["devs", "ops"] }),
    );
    expect(user).toEqual({ username: "jane", groups: ["devs", "ops", "system:authenticated"] });
  });

  it("refuses a user who may not impersonate, naming what was asked as the API server does", () => {
    const jane = { username: "jane", groups: ["system:authenticated"] };
    expect(
      refusal(() =>
        impersonatedUser(fixture.store, jane, request({ "Impersonate-User": ["system:serviceaccount:lab:auditor"] })),
      ),
    ).toEqual({
      code: 403,
      message:
        'serviceaccounts "auditor" is forbidden: User "jane" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "lab"',
    });
    expect(refusal(() => impersonatedUser(fixture.store, jane, request({ "Impersonate-User": ["bob"] })))).toEqual({
      code: 403,
      message:
        'users "bob" is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster scope',
    });
  });

  it("refuses groups without a user", () => {
    expect(
      refusal(() => impersonatedUser(fixture.store, clusterAdmin, request({ "Impersonate-Group": ["devs"] }))),
    ).toMatchObject({
      code: 500,
    });
  });
});
