// The lab panel and the Cluster page without a cluster to grade, for each way CKS Lab is deployed: on the
// learner's own machine (no kubeconfig yet; and with a kind cluster, for comparison) and on a classroom server
// (the learner's browser is another machine). Each case is photographed at 375 px and on a desktop, light and dark.
import { chromium, type BrowserContext, type Page, type TestInfo } from "@playwright/test";
import path from "node:path";
import { IMMUTABILITY_LESSON } from "./pages/lesson-page";
import { expect, test } from "./support/accounts";
import { startSecondServer, type SecondServer } from "./support/second-server";

const VIEWPORTS = { phone: { width: 375, height: 812 }, desktop: { width: 1280, height: 900 } } as const;

/** Screenshots of the panel in four variants, saved with the test run. */
async function photograph(page: Page, testInfo: TestInfo, name: string) {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const panel = page.locator("#practice-lab");
      await panel.screenshot({ path: testInfo.outputPath(`${name}-${size}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize(VIEWPORTS.desktop);
}

/** The panel shows no server path: the learner cannot see the server's files, so naming them only confuses. */
async function expectNoServerPaths(page: Page) {
  const text = await page.locator("main").innerText();
  expect(text).not.toMatch(/\/root\/|\/home\/|\.kube\/config|KUBECONFIG/);
}

test.describe("without a cluster", () => {
  let ownMachine: SecondServer;

  test.beforeAll(async () => {
    // CKS Lab on the learner's machine before they made a cluster: kubectl has no kubeconfig yet.
    ownMachine = await startSecondServer({
      KUBECONFIG: path.resolve(import.meta.dirname, ".artifacts", "no-such-kubeconfig"),
    });
  });
  test.afterAll(async () => {
    await ownMachine?.stop();
  });

  test("on your own machine with no cluster yet: the steps to make one, each command with its own Copy button", async ({
    page,
    student,
  }, testInfo) => {
    expect(student.id).not.toBe("");
    await page.goto(`${ownMachine.url}${IMMUTABILITY_LESSON}#practice-lab`);
    const setup = page.locator("#practice-lab").getByTestId("setup-own-machine");
    await expect(setup).toContainText("No practice cluster yet.");
    await expect(setup).toContainText("kubectl has no kubeconfig on this machine yet.");
    await expect(setup.getByRole("link", { name: "kind" })).toHaveAttribute("href", /kind\.sigs\.k8s\.io/);
    await expect(setup.getByRole("button", { name: "Copy the create cluster command" })).toBeVisible();
    await expect(setup.getByRole("button", { name: "Copy the get nodes command" })).toBeVisible();
    await expect(setup).toContainText("kind create cluster --name cks");
    await expect(page.locator("#practice-lab").getByRole("link", { name: "Cluster page" })).toBeVisible();
    await expectNoServerPaths(page);
    await photograph(page, testInfo, "no-cluster-own-machine");

    await page.goto(`${ownMachine.url}/connections`);
    await expect(page.getByTestId("setup-own-machine")).toBeVisible();
    await expect(page.getByTestId("loopback-rule")).toContainText("127.0.0.1 address is accepted");
    await expectNoServerPaths(page);
    await page.screenshot({ path: testInfo.outputPath("connections-own-machine.png"), fullPage: true });
  });

  test("on your own machine with a kind cluster: the cluster select, no setup steps", async ({
    page,
    student,
  }, testInfo) => {
    expect(student.id).not.toBe("");
    await page.goto(`${IMMUTABILITY_LESSON}#practice-lab`);
    const panel = page.locator("#practice-lab");
    await expect(panel.getByLabel("Cluster")).toBeVisible();
    await expect(panel.getByTestId("no-cluster")).toHaveCount(0);
    await photograph(page, testInfo, "cluster-ready-own-machine");
  });

  test("on a classroom server: the agent or a reachable cluster, never this server's kubeconfig", async ({
    page,
    student,
    baseURL,
  }, testInfo) => {
    expect(student.id).not.toBe("");
    // Another machine's browser: it reaches the server by a name of its own, so the request is not local
    // (lib/http/local-only.ts). The name is mapped to loopback inside this browser only.
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP classroom.test 127.0.0.1"],
    });
    const port = new URL(baseURL!).port;
    let context: BrowserContext | null = null;
    try {
      context = await browser.newContext();
      const cookies = await page.context().cookies();
      await context.addCookies(
        cookies.map(({ name, value }) => ({ name, value, url: `http://classroom.test:${port}` })),
      );
      const remote = await context.newPage();
      await remote.goto(`http://classroom.test:${port}${IMMUTABILITY_LESSON}#practice-lab`);
      const choices = remote.locator("#practice-lab").getByTestId("setup-classroom");
      await expect(choices).toContainText("This CKS Lab runs on a classroom server");
      await expect(choices).toContainText("With the CKS Lab agent");
      await expect(choices.getByRole("link", { name: "Set up the agent" })).toHaveAttribute(
        "href",
        "/connections#agent-title",
      );
      await expect(choices.getByRole("link", { name: "Cluster page" })).toHaveAttribute("href", "/connections");
      await expect(remote.locator("#practice-lab").getByTestId("setup-own-machine")).toHaveCount(0);
      await expectNoServerPaths(remote);
      await photograph(remote, testInfo, "no-cluster-classroom");

      await remote.goto(`http://classroom.test:${port}/connections`);
      await expect(remote.getByTestId("setup-classroom")).toContainText("paste its kubeconfig below");
      await expect(remote.getByTestId("loopback-rule")).toContainText("refused here");
      await remote.screenshot({ path: testInfo.outputPath("connections-classroom.png"), fullPage: true });
    } finally {
      await context?.close();
      await browser.close();
    }
  });
});
