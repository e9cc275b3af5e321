import { readFileSync } from "node:fs";
import { LabPanel } from "./pages/lab-panel";
import { IMMUTABILITY_LESSON } from "./pages/lesson-page";
import { expect, signUpViaApi, test } from "./support/accounts";
import { LAB_CHECKS, LAB_MAX } from "./support/immutability-lab";
import { testKubeconfig } from "./support/test-cluster";

const GRADE_URL = "/api/labs/runtime-security/immutable-containers/grade";

// What a learner might find on the internet: a kubeconfig whose user runs a program to get a token.
const EXEC_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: eks
  cluster:
    server: https://203.0.113.10
contexts:
- name: eks
  context: { cluster: eks, user: eks }
current-context: eks
users:
- name: eks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, cks]
`;

test("a student connects their own cluster, tests it and grades through it; another student sees none of it", async ({
  page,
  student,
  browser,
}, testInfo) => {
  test.setTimeout(120_000);
  expect(student.id).not.toBe("");
  await page.goto("/");
  await page.getByRole("link", { name: "Cluster", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Your cluster", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: /A cluster of your own/ })).toBeVisible();

  const kubeconfig = page.getByLabel("Kubeconfig", { exact: true });
  const save = page.getByRole("button", { name: "Save connection" });

  // An exec plugin is refused, with the reason, and nothing is saved.
  await kubeconfig.fill(EXEC_KUBECONFIG);
  await save.click();
  await expect(page.getByRole("alert").filter({ hasText: "exec credential plugin" })).toContainText(
    "exec credential plugin: it would run a command on our server",
  );
  await expect(page.getByTestId("saved-connection")).toHaveCount(0);

  // The test cluster's kubeconfig (https on 127.0.0.1, allowed by CKS_ALLOW_PRIVATE_CLUSTERS in e2e/serve.ts).
  const yaml = readFileSync(testKubeconfig(), "utf8");
  const token = /token: (\S+)/.exec(yaml)?.[1];
  expect(token).toBeTruthy();
  await page.getByLabel("Name", { exact: true }).fill("test cluster");
  await kubeconfig.fill(yaml);
  await save.click();
  await expect(page.getByRole("status").filter({ hasText: "Saved “test cluster”" })).toBeVisible();
  const saved = page.getByTestId("saved-connection");
  await expect(saved).toContainText("test cluster");
  await expect(saved).toContainText(/https:\/\/127\.0\.0\.1:\d+/);
  await expect(kubeconfig).toHaveValue("");

  // The kubeconfig never comes back to the browser, not even after a reload.
  await page.reload();
  await expect(page.getByTestId("saved-connection")).toContainText("test cluster");
  expect(await page.content()).not.toContain(token!);

  await page.getByRole("button", { name: "Test connection" }).click();
  const result = page.getByTestId("connection-test");
  await expect(result.getByTestId("server-version")).toHaveText(/^v\d+\.\d+/);
  await expect(result).toContainText(/Permissions in immutable-lab: \d+ granted, \d+ missing/);
  await expect(result.getByRole("list", { name: "Granted" }).getByRole("listitem").first()).toContainText("get pods");
  await expect(page.getByTestId("saved-connection")).toContainText(/Last tested.*Kubernetes v\d/);

  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const shot = testInfo.outputPath(`connections-${scheme}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach(`connections-${scheme}`, { path: shot, contentType: "image/png" });
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 390, height: 844 });
  // Nothing wider than the phone: long API group names and server URLs wrap.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const phone = testInfo.outputPath("connections-phone.png");
  await page.screenshot({ path: phone, fullPage: true });
  await testInfo.attach("connections-phone", { path: phone, contentType: "image/png" });
  await page.setViewportSize({ width: 1280, height: 720 });

  // Grading through the saved connection: the lab panel offers it and results arrive.
  await page.goto(`${IMMUTABILITY_LESSON}#practice-lab`);
  const panel = new LabPanel(page);
  const cluster = panel.root.getByLabel("Cluster");
  await expect(cluster.locator("option:checked")).toHaveText("Your saved connection (test cluster)");
  await panel.check();
  await expect(panel.score).toContainText(new RegExp(`^\\d+ / ${LAB_MAX} points`));
  await expect(
    panel.root.locator('.check[data-status="pass"], .check[data-status="fail"], .check[data-status="error"]'),
  ).toHaveCount(LAB_CHECKS);

  // Another student: no saved connection on the page, in the panel or through the API.
  const other = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const otherPage = await other.newPage();
  await signUpViaApi(otherPage.request);
  await otherPage.goto("/connections");
  await expect(otherPage.getByRole("heading", { name: "Add your cluster" })).toBeVisible();
  await expect(otherPage.getByTestId("saved-connection")).toHaveCount(0);
  expect(await otherPage.content()).not.toContain("test cluster");
  await otherPage.goto(IMMUTABILITY_LESSON);
  await expect(otherPage.locator("option", { hasText: "Your saved connection" })).toHaveCount(0);
  const stolen = await otherPage.request.post(GRADE_URL, { data: { connection: "saved" } });
  expect(stolen.status()).toBe(200);
  expect(await stolen.text()).toContain("You have no saved connection");
  await other.close();

  // Another site's page cannot start grading with it.
  const crossSite = await page.request.post(GRADE_URL, {
    data: { connection: "saved" },
    headers: { origin: "https://evil.example" },
  });
  expect(crossSite.status()).toBe(403);

  // Delete: gone from the page and from the panel.
  await page.goto("/connections");
  await page.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText("Your saved connection is deleted.")).toBeVisible();
  await page.goto(IMMUTABILITY_LESSON);
  await expect(page.locator("option", { hasText: "Your saved connection" })).toHaveCount(0);
});
