// axe-core on every page, for every role, in light and dark, on a desktop and at 375 px: no violation of
// impact serious or critical, and no sideways scrolling on a phone. Pages come from the route tree (every
// app/**/page.tsx) and the course (every lesson), so a page or lesson added tomorrow is covered without
// editing this file; a dynamic route without a sample fails here until it gets one.
import { readdirSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { getCourse } from "@/lib/content/course";
import { expect, signUpViaApi, test, type TestAccount } from "./support/accounts";

const APP = path.resolve(import.meta.dirname, "..", "app");
const VARIANTS = [
  { name: "desktop light", viewport: { width: 1280, height: 900 }, scheme: "light" },
  { name: "desktop dark", viewport: { width: 1280, height: 900 }, scheme: "dark" },
  { name: "375px light", viewport: { width: 375, height: 812 }, scheme: "light" },
  { name: "375px dark", viewport: { width: 375, height: 812 }, scheme: "dark" },
] as const;

/** Every page route under app/, as a path pattern ("/lessons/[module]/[lesson]"). */
function pageRoutes(dir = APP, prefix = ""): string[] {
  const routes: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      // Route groups "(x)" add no segment; "api" and private "_x" folders hold no pages.
      if (entry.name === "api" || entry.name.startsWith("_")) continue;
      const segment = /^\(.*\)$/.test(entry.name) ? "" : `/${entry.name}`;
      routes.push(...pageRoutes(path.join(dir, entry.name), prefix + segment));
    } else if (entry.name === "page.tsx") routes.push(prefix || "/");
  }
  return routes.sort();
}

/** Concrete paths for the route tree: lessons from the course, a student for per-student pages. */
async function pagePaths(student: TestAccount): Promise<string[]> {
  const course = await getCourse();
  const lessons = course.modules.flatMap((m) => m.lessons.map((l) => `/lessons/${l.id}`));
  const samples: Record<string, string[]> = {
    "/lessons/[module]/[lesson]": lessons,
    "/grading/students/[id]": [`/grading/students/${student.id}`],
  };
  const paths = pageRoutes().flatMap((route) => {
    if (!route.includes("[")) return [route];
    const sample = samples[route];
    if (!sample) throw new Error(`e2e/a11y.spec.ts has no sample path for the dynamic route ${route}: add one`);
    return sample;
  });
  // The not-found page, which every unknown address shows.
  return [...paths, "/no-such-page"];
}

type Finding = string;

/** Visits each path once (pages that redirect to one already seen are skipped) and checks every variant. */
async function audit(page: Page, paths: string[]): Promise<{ findings: Finding[]; audited: string[] }> {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const target of paths) {
    await page.setViewportSize(VARIANTS[0].viewport);
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto(target);
    await page.waitForLoadState("networkidle");
    const landed = new URL(page.url()).pathname;
    if (seen.has(landed)) continue;
    seen.add(landed);
    for (const variant of VARIANTS) {
      await page.setViewportSize(variant.viewport);
      await page.emulateMedia({ colorScheme: variant.scheme });
      const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
      for (const violation of results.violations) {
        if (violation.impact !== "serious" && violation.impact !== "critical") continue;
        const where = violation.nodes
          .slice(0, 3)
          .map((n) => n.target.join(" "))
          .join(" | ");
        findings.push(`${landed} [${variant.name}] ${violation.id} (${violation.impact}): ${where}`);
      }
      if (variant.viewport.width === 375) {
        const overflow = await page.evaluate(() => {
          const doc = document.documentElement;
          if (doc.scrollWidth <= doc.clientWidth) return null;
          // The widest offenders, to say what to fix.
          const wide = [...document.body.querySelectorAll<HTMLElement>("*")]
            .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
            .filter((el) => !el.closest("pre, .table-wrap, [data-scroll]"))
            .slice(0, 3)
            .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`);
          return `${doc.scrollWidth} px wide: ${wide.join(", ")}`;
        });
        if (overflow) findings.push(`${landed} [${variant.name}] scrolls sideways, ${overflow}`);
      }
    }
  }
  return { findings, audited: [...seen] };
}

async function auditAs(page: Page, student: TestAccount, role: string) {
  const { findings, audited } = await audit(page, await pagePaths(student));
  console.log(`a11y ${role}: ${audited.length} pages × ${VARIANTS.length} variants: ${audited.join(" ")}`);
  expect(findings, findings.join("\n")).toEqual([]);
}

test.describe("accessibility and phone layout on every page", () => {
  test.describe.configure({ timeout: 300_000 });

  test("anonymous", async ({ browser, baseURL, student }) => {
    const context = await browser.newContext({ baseURL });
    try {
      await auditAs(await context.newPage(), student, "anonymous");
    } finally {
      await context.close();
    }
  });

  test("student", async ({ page, student }) => {
    await auditAs(page, student, "student");
  });

  test("grader", async ({ browser, baseURL, student, instructorPage }) => {
    const context = await browser.newContext({ baseURL });
    try {
      const grader = await signUpViaApi(context.request);
      const promoted = await instructorPage.request.post("/api/auth/admin/set-role", {
        data: { userId: grader.id, role: "grader" },
        headers: { origin: new URL(baseURL!).origin },
      });
      expect(promoted.status(), await promoted.text()).toBe(200);
      await auditAs(await context.newPage(), student, "grader");
    } finally {
      await context.close();
    }
  });

  test("instructor", async ({ instructorPage, student }) => {
    await auditAs(instructorPage, student, "instructor");
  });
});
