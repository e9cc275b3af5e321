import { LabPanel } from "./pages/lab-panel";
import { LessonPage } from "./pages/lesson-page";
import { expect, test } from "./support/accounts";
import { kubectl } from "./support/test-cluster";

const RBAC_LESSON = "/lessons/cluster-hardening/rbac-least-privilege";
const PSA_LESSON = "/lessons/microservice-vulnerabilities/pod-security-admission";
const AUDITOR = "system:serviceaccount:rbac-lab:auditor";

test("the course map lists the Cluster Hardening and Microservice Vulnerabilities lessons", async ({ page }) => {
  for (const [moduleTitle, lessonTitle, url] of [
    ["Cluster Hardening", /RBAC with Least Privilege/, RBAC_LESSON],
    ["Minimize Microservice Vulnerabilities", /Pod Security Admission/, PSA_LESSON],
  ] as const) {
    await page.goto("/");
    const module = page.locator("ol.modules > li", { has: page.getByRole("heading", { name: moduleTitle }) });
    const card = module.getByRole("link", { name: lessonTitle });
    await expect(card).toBeVisible();
    await card.click();
    await expect(page).toHaveURL(url);
  }
});

test("the RBAC lesson shows the binding table, the manifest file and its lab", async ({ page }) => {
  const lesson = new LessonPage(page);
  await lesson.goto(RBAC_LESSON);
  await expect(lesson.title).toHaveText("RBAC with Least Privilege");
  await expect(lesson.article.getByRole("table").first()).toContainText("ClusterRoleBinding");
  await expect(lesson.article.locator("figure.code-block figcaption", { hasText: "auditor-rbac.yaml" })).toHaveCount(1);
  await expect(lesson.callout("Note")).toContainText("RBAC only ever allows");
  const lab = page.getByRole("heading", { name: "Give the auditor ServiceAccount read-only access to pods" });
  await expect(lab).toBeVisible();
});

test("the PSA lesson shows the modes table, PodSecurity's refusal and its lab", async ({ page }) => {
  const lesson = new LessonPage(page);
  await lesson.goto(PSA_LESSON);
  await expect(lesson.title).toHaveText("Pod Security Admission");
  await expect(lesson.article.getByRole("table").first()).toContainText("enforce");
  await expect(lesson.article).toContainText('violates PodSecurity "restricted:latest"');
  await expect(lesson.article.locator("figure.code-block figcaption", { hasText: "app.yaml" })).toHaveCount(1);
  const lab = page.getByRole("heading", { name: "Enforce the restricted Pod Security Standard in psa-lab" });
  await expect(lab).toBeVisible();
});

test("screenshots of the RBAC and PSA lessons (light, dark, phone) are saved with the run", async ({
  browser,
}, testInfo) => {
  const variants = [
    { name: "light", options: { viewport: { width: 1280, height: 900 }, colorScheme: "light" as const } },
    { name: "dark", options: { viewport: { width: 1280, height: 900 }, colorScheme: "dark" as const } },
    { name: "phone", options: { viewport: { width: 375, height: 812 }, colorScheme: "light" as const } },
  ];
  const lessons = [
    {
      id: "rbac",
      url: RBAC_LESSON,
      anchors: ["bindings-decide-where", "verbs-that-hand-out-power-escalate-bind-impersonate"],
    },
    { id: "psa", url: PSA_LESSON, anchors: ["modes-enforce-warn-and-audit", "what-restricted-asks-of-a-pod"] },
  ];
  for (const lesson of lessons) {
    for (const { name, options } of variants) {
      const context = await browser.newContext({ ...options, baseURL: testInfo.project.use.baseURL });
      const page = await context.newPage();
      await new LessonPage(page).goto(lesson.url);
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth),
        `${lesson.id}-${name} width`,
      ).toBeLessThanOrEqual(options.viewport.width);
      for (const anchor of [null, ...lesson.anchors]) {
        if (anchor) await page.evaluate((id) => document.getElementById(id)?.scrollIntoView(), anchor);
        const shot = `${lesson.id}-${name}${anchor ? `-${anchor.split("-")[0]}` : ""}`;
        const path = testInfo.outputPath(`${shot}.png`);
        await page.screenshot({ path, fullPage: false });
        await testInfo.attach(shot, { path, contentType: "image/png" });
      }
      await context.close();
    }
  }
});

test("a learner grades the RBAC lab: the access matrix shows what the auditor may not do yet, then full marks", async ({
  page,
  student,
}, testInfo) => {
  test.setTimeout(180_000);
  expect(student.id).not.toBe("");
  await kubectl(["delete", "namespace", "rbac-lab", "--ignore-not-found", "--wait=true"]);
  const lesson = new LessonPage(page);
  await lesson.goto(`${RBAC_LESSON}#practice-lab`);
  const panel = new LabPanel(page);

  // The imperative way, first forgetting that logs are the pods/log subresource.
  await kubectl(["create", "namespace", "rbac-lab"]);
  await kubectl(["-n", "rbac-lab", "create", "serviceaccount", "auditor"]);
  await kubectl(["-n", "rbac-lab", "create", "role", "pod-reader", "--verb=get,list,watch", "--resource=pods"]);
  await kubectl([
    "-n",
    "rbac-lab",
    "create",
    "rolebinding",
    "auditor-pod-reader",
    "--role=pod-reader",
    "--serviceaccount=rbac-lab:auditor",
  ]);
  await panel.check();
  await expect(panel.score).toContainText(/^13 \/ 15 points/);
  const logs = panel.checkRow("auditor may read pod logs (get pods/log) in rbac-lab");
  await expect(logs).toHaveAttribute("data-status", "fail");
  await expect(logs.locator(".check-message")).toContainText("auditor may not get pods/log in rbac-lab");
  await logs.locator("summary", { hasText: "Evidence" }).click();
  const evidence = logs.locator(".evidence");
  await expect(evidence).toContainText(AUDITOR);
  await expect(evidence).toContainText("expected allowed, the cluster says denied");
  await expect(evidence).toContainText(`kubectl auth can-i get pods --subresource=log -n rbac-lab --as=${AUDITOR}`);
  const shot = testInfo.outputPath("rbac-access-review-evidence.png");
  await logs.screenshot({ path: shot });
  await testInfo.attach("rbac-access-review-evidence", { path: shot, contentType: "image/png" });

  // The fix the lesson shows: the Role again, with pods/log.
  await kubectl(["-n", "rbac-lab", "delete", "role", "pod-reader"]);
  await kubectl([
    "-n",
    "rbac-lab",
    "create",
    "role",
    "pod-reader",
    "--verb=get,list,watch",
    "--resource=pods,pods/log",
  ]);
  await panel.check();
  await expect(panel.score).toContainText(/^15 \/ 15 points/);
  const reads = panel.checkRow("auditor may get, list and watch pods in rbac-lab");
  await reads.locator("summary", { hasText: "Evidence" }).click();
  // RBAC's own reason names the binding that allowed it.
  await expect(reads.locator(".evidence")).toContainText('RoleBinding "auditor-pod-reader/rbac-lab"');
  await kubectl(["delete", "namespace", "rbac-lab", "--wait=false"]);
});
