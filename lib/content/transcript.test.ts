import { describe, expect, it } from "vitest";
import { parseLessonMarkdown } from "./markdown";
import { normaliseOutput, outputMatches, parseConsole, transcriptSteps } from "./transcript";

const fence = "```";

describe("parseConsole", () => {
  it("splits commands from their output and joins continued lines", () => {
    expect(
      parseConsole(
        [
          "$ kubectl apply -f nginx.yaml",
          "pod/nginx created",
          "$ kubectl exec nginx -- \\",
          "    touch /x",
          "touch: cannot touch '/x': Read-only file system",
          "command terminated with exit code 1",
          "$ kubectl exec nginx -- touch /var/cache/nginx/ok",
        ].join("\n"),
      ),
    ).toEqual([
      { command: "kubectl apply -f nginx.yaml", expected: ["pod/nginx created"] },
      {
        command: "kubectl exec nginx -- touch /x",
        expected: ["touch: cannot touch '/x': Read-only file system", "command terminated with exit code 1"],
      },
      { command: "kubectl exec nginx -- touch /var/cache/nginx/ok", expected: [] },
    ]);
  });

  it("refuses output that belongs to no command", () => {
    expect(() => parseConsole("pod/nginx created\n$ kubectl get pods")).toThrow(/comes before any "\$ " command/);
  });
});

describe("normaliseOutput", () => {
  it("hides ages, timestamps, random suffixes and table padding, and shows the run's namespace as default", () => {
    expect(
      normaliseOutput(
        [
          "NAME    READY   STATUS             RESTARTS      AGE",
          "nginx   0/1     CrashLoopBackOff   3 (25s ago)   2m10s",
          '2026/11/28 00:44:13 [emerg] 1#1: mkdir() "/var/cache/nginx/client_temp" failed (30: Read-only file system)',
          'pod "nginx" deleted from tx-4f2a9c namespace',
          '  Warning  FailedCreate  3s  replicaset-controller  Error creating: pods "web-5d4b9c7f6-x2vqk" is forbidden',
          "replicaset.apps/web-7c5ddbdf54   2         2         2       12s",
          "Normal ScalingReplicaSet 4s deployment-controller Scaled up replica set web-59b8d6f7c4 from 0 to 2",
          "sha256:ab12cd34ef56",
          "",
          "",
        ].join("\n"),
        { namespace: "tx-4f2a9c" },
      ),
    ).toEqual([
      "NAME READY STATUS RESTARTS AGE",
      "nginx 0/1 CrashLoopBackOff 3 (<age> ago) <age>",
      '<time> [emerg] 1#1: mkdir() "/var/cache/nginx/client_temp" failed (30: Read-only file system)',
      'pod "nginx" deleted from default namespace',
      ' Warning FailedCreate <age> replicaset-controller Error creating: pods "web-<hash>-<id>" is forbidden',
      "replicaset.apps/web-<hash> 2 2 2 <age>",
      "Normal ScalingReplicaSet <age> deployment-controller Scaled up replica set web-<hash> from 0 to 2",
      "sha256:ab12cd34ef56",
    ]);
  });

  it("keeps what must not vary: restart counts, exit codes, names", () => {
    expect(normaliseOutput("nginx 0/1 Error 1 (2s ago) 3s\ncommand terminated with exit code 100")).toEqual([
      "nginx 0/1 Error 1 (<age> ago) <age>",
      "command terminated with exit code 100",
    ]);
  });
});

describe("outputMatches", () => {
  const actual = normaliseOutput("a\nb\nc\nd");

  it("compares line by line", () => {
    expect(outputMatches(["a", "b", "c", "d"], actual)).toBe(true);
    expect(outputMatches(["a", "b", "c"], actual)).toBe(false);
    expect(outputMatches(["a", "b", "x", "d"], actual)).toBe(false);
    expect(outputMatches([], [])).toBe(true);
    expect(outputMatches([], actual)).toBe(false);
  });

  it("lets a ... line stand for any run of lines, including none", () => {
    expect(outputMatches(["...", "d"], actual)).toBe(true);
    expect(outputMatches(["a", "...", "d"], actual)).toBe(true);
    expect(outputMatches(["a", "b", "...", "c", "d"], actual)).toBe(true);
    expect(outputMatches(["...", "x"], actual)).toBe(false);
    expect(outputMatches(["..."], [])).toBe(true);
  });

  it("treats a different restart count as a different output", () => {
    expect(outputMatches(["nginx 0/1 Error 1 (2s ago) 3s"], normaliseOutput("nginx   0/1   Error   0   3s"))).toBe(
      false,
    );
  });
});

describe("transcriptSteps", () => {
  const markdown = [
    `${fence}yaml file=nginx.yaml`,
    "apiVersion: v1",
    "kind: Pod",
    fence,
    "",
    `${fence}console`,
    "$ kubectl apply -f nginx.yaml",
    "pod/nginx created",
    fence,
    "",
    "> [!TIP]",
    `> ${fence}console eventually`,
    "> $ kubectl get pods",
    "> nginx 1/1 Running 0 5s",
    `> ${fence}`,
    "",
    `${fence}console abridged`,
    "$ kubectl describe pod nginx",
    "...",
    fence,
    "",
    `${fence}console not-replayed="needs ingress-nginx installed"`,
    "$ kubectl get ingressclass",
    "nginx k8s.io/ingress-nginx <none> 2m",
    fence,
    "",
    `${fence}bash`,
    "kind create cluster",
    fence,
  ].join("\n");

  it("yields named files and replayable console blocks in document order, skipping abridged, not-replayed and bash blocks", () => {
    const document = parseLessonMarkdown(markdown);
    expect(document.problems).toEqual([]);
    expect(transcriptSteps(document.blocks)).toEqual([
      { kind: "file", line: 1, name: "nginx.yaml", content: "apiVersion: v1\nkind: Pod\n" },
      {
        kind: "console",
        line: 6,
        eventually: false,
        commands: [{ command: "kubectl apply -f nginx.yaml", expected: ["pod/nginx created"] }],
      },
      {
        kind: "console",
        line: 12,
        eventually: true,
        commands: [{ command: "kubectl get pods", expected: ["nginx 1/1 Running 0 5s"] }],
      },
    ]);
  });

  it("reports unknown or misplaced code block options with their line", () => {
    const document = parseLessonMarkdown(
      [
        `${fence}yaml file=../etc/passwd`,
        "a: 1",
        fence,
        "",
        `${fence}bash abridged`,
        "ls",
        fence,
        "",
        `${fence}console quick`,
        "$ ls",
        fence,
        "",
        `${fence}bash not-replayed="needs a controller"`,
        "ls",
        fence,
        "",
        `${fence}console not-replayed=""`,
        "$ ls",
        fence,
        "",
        `${fence}console eventually not-replayed="needs a controller"`,
        "$ ls",
        fence,
      ].join("\n"),
    );
    const expected = 'expected file=NAME, abridged, eventually or not-replayed="reason"';
    expect(document.problems).toEqual([
      { line: 1, message: 'code block option "file": "../etc/passwd" must be a plain file name like nginx-fixed.yaml' },
      { line: 5, message: 'code block option "abridged" applies to console blocks only' },
      { line: 9, message: `code block option "quick" is unknown (${expected})` },
      { line: 13, message: 'code block option "not-replayed" applies to console blocks only' },
      { line: 17, message: 'code block option "not-replayed" needs a reason, like "needs ingress-nginx"' },
      {
        line: 21,
        message:
          'a console block is one of "abridged", "eventually" or "not-replayed", not eventually and not-replayed',
      },
    ]);
  });

  it("keeps the reason of a block that is not replayed, spaces included, for the page to show", () => {
    const document = parseLessonMarkdown(
      [`${fence}console not-replayed="needs ingress-nginx on kind"`, "$ curl https://secure.cks.test/", fence].join(
        "\n",
      ),
    );
    expect(document.problems).toEqual([]);
    expect(document.blocks[0]).toMatchObject({ type: "code", notReplayed: "needs ingress-nginx on kind" });
  });
});
