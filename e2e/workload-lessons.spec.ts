import { LessonPage } from "./pages/lesson-page";
import { expect, test } from "./support/accounts";

// The service account and secrets lessons as a student reads them: title, the outline with the sections the
// labs link to, the lab panel's tasks, and screenshots (light, dark, 375 px phone) saved with the run.
const lessons = [
  {
    path: "/lessons/cluster-hardening/service-account-tokens",
    title: "Give Workloads Their Own ServiceAccount and No Token They Do Not Need",
    sections: ["The projected token volume", "Switch automount off"],
    shot: "switch-automount-off",
  },
  {
    path: "/lessons/microservice-vulnerabilities/secrets-as-files",
    title: "Hand Secrets to Pods as Files, Not Environment Variables",
    sections: ["Why environment variables leak", "File modes and read-only mounts"],
    shot: "mount-a-secret-as-files",
  },
];

for (const lesson of lessons) {
  test(`${lesson.path}: outline, console transcripts, and screenshots (light, dark, phone)`, async ({
    browser,
  }, testInfo) => {
    const variants = [
      { name: "light", options: { viewport: { width: 1280, height: 900 }, colorScheme: "light" as const } },
      { name: "dark", options: { viewport: { width: 1280, height: 900 }, colorScheme: "dark" as const } },
      { name: "phone", options: { viewport: { width: 375, height: 812 }, colorScheme: "light" as const } },
    ];
    const slug = lesson.path.split("/").at(-1) ?? "lesson";
    for (const { name, options } of variants) {
      const context = await browser.newContext({ ...options, baseURL: testInfo.project.use.baseURL });
      const page = await context.newPage();
      const view = new LessonPage(page);
      await view.goto(lesson.path);
      await expect(view.title).toHaveText(lesson.title);
      if (name !== "phone")
        for (const section of lesson.sections)
          await expect(view.outline.getByRole("link", { name: section })).toBeVisible();
      await expect(page.locator('figure.code-block[data-lang="console"]').first()).toBeVisible();
      // Code blocks scroll inside themselves; the page never scrolls sideways, even at 375 px.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} width`).toBeLessThanOrEqual(
        options.viewport.width,
      );
      const top = testInfo.outputPath(`${slug}-${name}.png`);
      await page.screenshot({ path: top });
      await testInfo.attach(`${slug}-${name}`, { path: top, contentType: "image/png" });
      await page.evaluate((id) => document.getElementById(id)?.scrollIntoView(), lesson.shot);
      const section = testInfo.outputPath(`${slug}-${name}-${lesson.shot}.png`);
      await page.screenshot({ path: section });
      await testInfo.attach(`${slug}-${name}-${lesson.shot}`, { path: section, contentType: "image/png" });
      await context.close();
    }
  });
}
