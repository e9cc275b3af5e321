import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { LabPanel } from "./pages/lab-panel";
import { LessonPage } from "./pages/lesson-page";
import { expect, test } from "./support/accounts";
import { kubectl, testKubeconfig } from "./support/test-cluster";

const SECCOMP_LESSON = "/lessons/system-hardening/seccomp-capabilities";
const SUPPLY_LESSON = "/lessons/supply-chain/allowed-registries";
const LAB_ID = "system-hardening/seccomp-capabilities";
const NAMESPACE = "syscall-lab";

type TLabFile = {
  title: string;
  tasks: { points: number; checks: { id: string; title: string; points: number }[] }[];
  solution: { manifests: Array<Record<string, unknown>> };
};
const lab = parse(readFileSync(path.resolve(`lessons/${LAB_ID}/lab.yaml`), "utf8")) as TLabFile;
const checks = lab.tasks.flatMap((task) => task.checks);
const MAX = lab.tasks.reduce((sum, task) => sum + task.points, 0);
// The host of the test cluster has no AppArmor: the write check cannot be evaluated there.
const APPARMOR = checks.find((check) => check.id === "confined-write-denied")!;
const GRADABLE = MAX - APPARMOR.points;

const SUPPLY_LAB_ID = "supply-chain/allowed-registries";
const SUPPLY_NAMESPACE = "supply-lab";
const supplyLab = parse(readFileSync(path.resolve(`lessons/${SUPPLY_LAB_ID}/lab.yaml`), "utf8")) as TLabFile;
const supplyChecks = supplyLab.tasks.flatMap((task) => task.checks);
const SUPPLY_MAX = supplyLab.tasks.reduce((sum, task) => sum + task.points, 0);

/** The supply-chain lab's cluster-scoped policy and binding go with its namespace, so no other spec meets them. */
async function removeSupplyLab() {
  await kubectl(["delete", "namespace", SUPPLY_NAMESPACE, "--ignore-not-found", "--wait=true"]);
  await kubectl(["delete", "validatingadmissionpolicybinding", "allowed-registries-binding", "--ignore-not-found"]);
  await kubectl(["delete", "validatingadmissionpolicy", "allowed-registries", "--ignore-not-found"]);
}

test.beforeAll(async () => {
  await kubectl(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=true"]);
  await removeSupplyLab();
});

test.afterAll(async () => {
  await removeSupplyLab();
});

test("the course map lists the system hardening and supply chain lessons; each renders in light, dark and on a phone", async ({
  browser,
  page,
}, testInfo) => {
  await page.goto("/");
  for (const [module, title, href] of [
    ["System Hardening", /Restrict Syscalls, Capabilities and File Access/, SECCOMP_LESSON],
    ["Supply Chain Security", /Allow Only Trusted, Pinned Images/, SUPPLY_LESSON],
  ] as const) {
    const card = page.locator("ol.modules > li").filter({ has: page.getByRole("heading", { name: module }) });
    await expect(card.getByRole("link", { name: title })).toHaveAttribute("href", href);
  }
  const variants = [
    { name: "light", options: { viewport: { width: 1280, height: 900 }, colorScheme: "light" as const } },
    { name: "dark", options: { viewport: { width: 1280, height: 900 }, colorScheme: "dark" as const } },
    { name: "phone", options: { viewport: { width: 375, height: 812 }, colorScheme: "light" as const } },
  ];
  for (const [slug, lesson, section] of [
    ["seccomp", SECCOMP_LESSON, "linux-capabilities"],
    ["supply", SUPPLY_LESSON, "allow-only-trusted-registries-with-a-validatingadmissionpolicy"],
  ] as const) {
    for (const { name, options } of variants) {
      const context = await browser.newContext({ ...options, baseURL: testInfo.project.use.baseURL });
      const lessonPage = await context.newPage();
      await new LessonPage(lessonPage).goto(lesson);
      expect(
        await lessonPage.evaluate(() => document.documentElement.scrollWidth),
        `${slug} ${name}: the page never scrolls sideways`,
      ).toBeLessThanOrEqual(options.viewport.width);
      await lessonPage.evaluate((id) => document.getElementById(id)?.scrollIntoView(), section);
      const shot = testInfo.outputPath(`lesson-${slug}-${name}.png`);
      await lessonPage.screenshot({ path: shot, fullPage: false });
      await testInfo.attach(`lesson-${slug}-${name}`, { path: shot, contentType: "image/png" });
      await context.close();
    }
  }
});

/** `npm run grade -- <lab> [--json]` as a learner runs it against the same cluster: exit code and output. */
function gradeCli(extra: string[] = []): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const args = ["run", "--silent", "grade", "--", LAB_ID, "--kubeconfig", testKubeconfig(), ...extra];
    const child = spawn("npm", args, { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("close", (code) => resolve({ code, stdout }));
  });
}

test("a check the node cannot evaluate is shown as not gradable and left out of the score: lab panel, CLI, dashboard, gradebook, item analysis and CSV", async ({
  page,
  student,
  instructorPage,
}, testInfo) => {
  test.setTimeout(240_000);
  await new LessonPage(page).goto(`${SECCOMP_LESSON}#practice-lab`);
  const panel = new LabPanel(page);
  await expect(panel.root.getByRole("heading", { name: lab.title })).toBeVisible();

  // The reference solution, applied with kubectl; the node refuses the AppArmor pod as a node without AppArmor does.
  await kubectl(["create", "namespace", NAMESPACE]);
  await kubectl(["apply", "-n", NAMESPACE, "-f", "-"], lab.solution.manifests.map((m) => stringify(m)).join("---\n"));
  await expect(async () => {
    await panel.check();
    await expect(panel.score).toContainText(new RegExp(`^${GRADABLE} / ${GRADABLE} points`), { timeout: 1_000 });
  }).toPass({ timeout: 90_000, intervals: [2_000] });

  // The panel: full marks of what this cluster can show, the AppArmor write check apart, neither passed nor failed.
  await expect(panel.root.getByTestId("lab-unsupported")).toHaveText(
    `1 check (${APPARMOR.points} pts) cannot be graded on this cluster and is left out of your score: neither passed nor failed.`,
  );
  await expect(panel.score).toContainText(`${checks.length - 1} passed, 0 failed`);
  const row = panel.checkRow(APPARMOR.title);
  await expect(row).toHaveAttribute("data-status", "unsupported");
  await expect(row.locator(".check-status")).toHaveText("Not gradable here");
  await expect(row.locator(".points")).toHaveText(`${APPARMOR.points} not counted`);
  await expect(row.locator(".check-message")).toHaveText(
    "Not gradable on this cluster: its node cannot enforce AppArmor (the kubelet refused pod confined). Left out of your score.",
  );
  await row.locator("summary", { hasText: "Evidence" }).click();
  await expect(row.locator(".evidence")).toContainText("cannot enforce AppArmor");
  await expect(row.locator(".evidence")).toContainText(
    "Pod was rejected: Cannot enforce AppArmor: AppArmor is not enabled on the host",
  );
  await expect(row.getByRole("link", { name: "Why, and how to grade it on your own node" })).toHaveAttribute(
    "href",
    `${SECCOMP_LESSON}#apparmor`,
  );
  await expect(panel.root.locator('.check[data-status="fail"], .check[data-status="error"]')).toHaveCount(0);
  const apparmorTask = panel.root
    .locator("li.lab-task")
    .filter({ has: page.locator(".check-title", { hasText: APPARMOR.title }) });
  await expect(apparmorTask.locator(".lab-task-head .points")).toHaveText(
    `${lab.tasks.at(-1)!.points - APPARMOR.points} / ${lab.tasks.at(-1)!.points - APPARMOR.points} pts`,
  );
  const shot = testInfo.outputPath("lab-panel-unsupported.png");
  await apparmorTask.screenshot({ path: shot });
  await testInfo.attach("lab-panel-unsupported", { path: shot, contentType: "image/png" });

  // The CLI, as JSON: the check's status is unsupported, with no points awarded and none counted against.
  const json = await gradeCli(["--json"]);
  expect(json.code).toBe(0);
  const report = JSON.parse(json.stdout) as {
    status: string;
    score: number;
    maxScore: number;
    unsupportedPoints: number;
    counts: Record<string, number>;
    results: { checkId: string; status: string; outcome: string; awarded: number; message: string }[];
  };
  expect([report.status, report.score, report.maxScore, report.unsupportedPoints]).toEqual([
    "passed",
    GRADABLE,
    GRADABLE,
    APPARMOR.points,
  ]);
  expect(report.counts).toEqual({ pass: checks.length - 1, fail: 0, error: 0, unsupported: 1 });
  expect(report.results.find((r) => r.checkId === APPARMOR.id)).toMatchObject({
    status: "unsupported",
    outcome: "unsupported",
    awarded: 0,
    message: expect.stringContaining("cannot enforce AppArmor"),
  });

  // The CLI for a terminal: the same check marked apart, its points left out, and exit 0 because nothing failed.
  const cli = await gradeCli();
  expect(cli.code).toBe(0);
  expect(cli.stdout).toContain(`  – ${APPARMOR.title} (${APPARMOR.points} pts not counted`);
  expect(cli.stdout).toMatch(
    new RegExp(
      `Score ${GRADABLE}/${GRADABLE} {2}${checks.length - 1} passed, 0 failed, 0 errors, 1 unsupported on this cluster \\(${APPARMOR.points} pts left out\\)`,
    ),
  );

  // The dashboard: done, with the points the cluster could not grade named.
  await page.goto("/dashboard");
  const progress = page.locator(`tr[data-lesson="${LAB_ID}"]`);
  await expect(progress.getByText("Done")).toBeVisible();
  await expect(progress.locator("td").nth(2)).toContainText(`${GRADABLE} / ${GRADABLE}`);
  await expect(progress.locator("td").nth(2)).toContainText(`${APPARMOR.points} pts not gradable on your cluster`);
  const attempt = page.locator("li.attempt").first();
  await expect(attempt.locator(".attempt-score")).toContainText(`(${APPARMOR.points} pts not gradable)`);
  await attempt.locator("summary").first().click();
  await expect(attempt.locator("li.check").filter({ hasText: APPARMOR.title }).locator(".check-status")).toHaveText(
    "Not gradable here",
  );

  // The gradebook: passed at full marks of what could be graded, the left-out points named.
  await instructorPage.goto("/grading");
  const cell = instructorPage.locator(`tr[data-student="${student.email}"] td[data-lab="${LAB_ID}"]`);
  await expect(cell.locator(".status-pill")).toHaveText("Passed");
  await expect(cell.locator(".cell-score")).toContainText(`${GRADABLE} / ${GRADABLE}`);
  await expect(cell.getByTestId("cell-unsupported")).toHaveText(
    `${APPARMOR.points} pts not gradable on the student's cluster`,
  );
  // Item analysis: the check counts as not gradable, neither attempted nor failing.
  const item = instructorPage.getByRole("region", { name: "Item analysis" }).locator(`tr[data-check="${APPARMOR.id}"]`);
  const cells = item.locator("td");
  await expect(cells.nth(1)).toHaveText("0");
  await expect(cells.nth(2)).toHaveText("0");
  expect(Number(await cells.nth(3).textContent())).toBeGreaterThanOrEqual(1);
  const gradebookShot = testInfo.outputPath("gradebook-unsupported.png");
  await instructorPage.screenshot({ path: gradebookShot, fullPage: true });
  await testInfo.attach("gradebook-unsupported", { path: gradebookShot, contentType: "image/png" });

  // The CSV export: max_score is what the student's cluster could grade, unsupported_points beside it.
  const csv = await instructorPage.request.get("/api/gradebook");
  const lines = (await csv.text()).trimEnd().split("\r\n");
  const header = lines[0]!.split(",");
  const line = lines.find((l) => l.includes(student.email) && l.includes("Restrict Syscalls"));
  expect(line, "the student's line for the system hardening lab").toBeDefined();
  const fields = line!.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  const at = (column: string) => fields[header.indexOf(column)];
  expect([at("best_auto_score"), at("final_score"), at("max_score"), at("unsupported_points")]).toEqual([
    String(GRADABLE),
    String(GRADABLE),
    String(GRADABLE),
    String(APPARMOR.points),
  ]);
});

test("the allowed-registries lab grades the reference solution at full marks and shows what admission answered kubectl debug", async ({
  page,
  student,
}, testInfo) => {
  test.setTimeout(180_000);
  expect(student.id).not.toBe("");
  await new LessonPage(page).goto(`${SUPPLY_LESSON}#practice-lab`);
  const panel = new LabPanel(page);
  await expect(panel.root.getByRole("heading", { name: supplyLab.title })).toBeVisible();

  // Nothing done yet: every check fails, none is left out.
  await panel.check();
  await expect(panel.score).toContainText(new RegExp(`^0 / ${SUPPLY_MAX} points`));
  await expect(panel.score.getByRole("alert")).toContainText(SUPPLY_NAMESPACE);
  await expect(panel.root.getByTestId("lab-unsupported")).toHaveCount(0);

  // The reference solution, as a learner applies it: a labelled namespace, the policy, the binding and pod app.
  await kubectl(["create", "namespace", SUPPLY_NAMESPACE]);
  await kubectl(["label", "namespace", SUPPLY_NAMESPACE, "supply-chain=enforced"]);
  await kubectl(
    ["apply", "-n", SUPPLY_NAMESPACE, "-f", "-"],
    supplyLab.solution.manifests.map((m) => stringify(m)).join("---\n"),
  );
  await expect(async () => {
    await panel.check();
    await expect(panel.score).toContainText(new RegExp(`^${SUPPLY_MAX} / ${SUPPLY_MAX} points`), { timeout: 1_000 });
  }).toPass({ timeout: 90_000, intervals: [2_000] });
  await expect(panel.score).toContainText(`${supplyChecks.length} passed, 0 failed`);

  // The debug probe's evidence: the container and image added to pod app, and the policy's refusal.
  const debugHub = supplyChecks.find((check) => check.id === "debug-docker-hub-rejected")!;
  const row = panel.checkRow(debugHub.title);
  await expect(row).toHaveAttribute("data-status", "pass");
  await row.locator("summary", { hasText: "Evidence" }).click();
  const evidence = row.locator(".evidence");
  await expect(evidence).toContainText(
    /Dry-run kubectl debug\s*container cks-debug-hub \(docker\.io\/library\/busybox@sha256:0{64}\) added to pod app in namespace supply-lab/,
  );
  await expect(evidence).toContainText(/Needed\s*rejected by admission/);
  await expect(evidence).toContainText(/Answer\s*rejected with 422 Invalid/);
  await expect(evidence).toContainText(
    "ValidatingAdmissionPolicy 'allowed-registries' with binding 'allowed-registries-binding' denied request",
  );
  const shot = testInfo.outputPath("supply-debug-evidence.png");
  await row.screenshot({ path: shot });
  await testInfo.attach("supply-debug-evidence", { path: shot, contentType: "image/png" });

  // The scope probe: the same Docker Hub pod admitted in default, where the binding does not reach.
  const scope = panel.checkRow(supplyChecks.find((check) => check.id === "other-namespaces-admitted")!.title);
  await scope.locator("summary", { hasText: "Evidence" }).click();
  await expect(scope.locator(".evidence")).toContainText("Pod/cks-dry-run-docker-hub in namespace default");
  await expect(scope.locator(".evidence")).toContainText(
    /Answer\s*admitted \(server-side dry-run: nothing was stored\)/,
  );
});
