import { describe, expect, it } from "vitest";
import { AppError } from "./app-error";
import { errorLine, errorMessage, errorName } from "./error-message";

describe("the text of a thrown value", () => {
  it.each([
    [new Error("connect ECONNREFUSED 127.0.0.1:6443"), "connect ECONNREFUSED 127.0.0.1:6443"],
    [new AppError("BAD_REQUEST", "That lab does not exist."), "That lab does not exist."],
    ["a thrown string", "a thrown string"],
    [404, "404"],
    [undefined, "undefined"],
  ])("errorMessage(%o) is %s", (thrown, text) => {
    expect(errorMessage(thrown)).toBe(text);
  });

  it("errorLine keeps the first non-blank line of a message that appends a dump", () => {
    expect(errorLine(new Error("\n  file is not a database  \n    at Database.prepare (x.js:1:1)"))).toBe(
      "file is not a database",
    );
    expect(errorLine(new Error("   \n"))).toBe("unknown error");
  });

  it("errorName names the kind of failure without its message (which may quote credentials)", () => {
    expect(errorName(new TypeError("token abc123 rejected"))).toBe("TypeError");
    expect(errorName({ message: "token abc123" })).toBe("unknown error");
  });
});
