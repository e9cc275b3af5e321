import { describe, expect, it } from "vitest";
import { listenAddress } from "./listen-address";

describe("listenAddress", () => {
  it.each([
    [{}, { host: "127.0.0.1", port: 3000 }],
    [{ PORT: "3100" }, { host: "127.0.0.1", port: 3100 }],
    [
      { HOST: "0.0.0.0", PORT: " 8080 " },
      { host: "0.0.0.0", port: 8080 },
    ],
    [{ HOST: "::" }, { host: "::", port: 3000 }],
    [{ HOST: "cks.internal" }, { host: "cks.internal", port: 3000 }],
    [{ HOST: "  " }, { host: "127.0.0.1", port: 3000 }],
  ])("%j listens on %j", (env, expected) => {
    expect(listenAddress(env)).toEqual(expected);
  });

  it.each([
    [{ PORT: "http" }, /PORT must be a port number/],
    [{ PORT: "70000" }, /PORT must be a port number from 1 to 65535; found "70000"/],
    [{ HOST: "http://0.0.0.0" }, /HOST must be an address to listen on/],
    [{ HOST: "0.0.0.0:3000" }, /HOST must be an address/],
  ])("%j is refused", (env, message) => {
    expect(() => listenAddress(env)).toThrow(message);
  });
});
