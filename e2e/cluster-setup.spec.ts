import { LessonPage } from "./pages/lesson-page";
import { expect, test } from "./support/accounts";

const INGRESS_LESSON = "/lessons/cluster-setup/ingress-tls";

test("the course map lists the Cluster Setup lessons", async ({ page }) => {
  await page.goto("/");
  const module = page.locator("ol.modules > li", { has: page.getByRole("heading", { name: "Cluster Setup" }) });
  const card = module.getByRole("link", { name: /Serve an Ingress over TLS/ });
  await expect(card).toBeVisible();
  await card.click();
  await expect(page).toHaveURL(INGRESS_LESSON);
});

test("the ingress lesson marks what the test cluster cannot replay and warns about ingress-nginx", async ({ page }) => {
  const lesson = new LessonPage(page);
  await lesson.goto(INGRESS_LESSON);
  await expect(lesson.title).toHaveText("Serve an Ingress over TLS");
  // Output that needs a controller is labelled with the reason it is not replayed by the tests.
  const notes = lesson.article.locator("figure.code-block .code-note");
  await expect(notes.first()).toHaveText("not replayed: needs ingress-nginx installed");
  await expect(notes.filter({ hasText: "needs ingress-nginx on kind with ports 80 and 443 mapped" })).toHaveCount(3);
  await expect(lesson.callout("Warning")).toContainText("ingress-nginx is retired");
  await expect(lesson.article.locator("figure.code-block figcaption", { hasText: "web-ingress.yaml" })).toHaveCount(1);
  const lab = page.getByRole("heading", { name: "Serve secure.cks.test over TLS from an Ingress" });
  await expect(lab).toBeVisible();
});

test("screenshots of the ingress lesson (light, dark, phone) are saved with the run", async ({ browser }, testInfo) => {
  const variants = [
    { name: "ingress-light", options: { viewport: { width: 1280, height: 900 }, colorScheme: "light" as const } },
    { name: "ingress-dark", options: { viewport: { width: 1280, height: 900 }, colorScheme: "dark" as const } },
    { name: "ingress-phone", options: { viewport: { width: 375, height: 812 }, colorScheme: "light" as const } },
  ];
  for (const { name, options } of variants) {
    const context = await browser.newContext({ ...options, baseURL: testInfo.project.use.baseURL });
    const page = await context.newPage();
    await new LessonPage(page).goto(INGRESS_LESSON);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} width`).toBeLessThanOrEqual(
      options.viewport.width,
    );
    for (const [suffix, anchor] of [
      ["", null],
      ["-curl", "test-with-curl-resolve"],
    ] as const) {
      if (anchor) await page.evaluate((id) => document.getElementById(id)?.scrollIntoView(), anchor);
      const path = testInfo.outputPath(`${name}${suffix}.png`);
      await page.screenshot({ path, fullPage: false });
      await testInfo.attach(`${name}${suffix}`, { path, contentType: "image/png" });
    }
    await context.close();
  }
});
