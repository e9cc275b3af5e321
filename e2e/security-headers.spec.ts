// Every page under the Content-Security-Policy: no violation in the console, Next's scripts run (the
// forms hydrate), Shiki's colours survive, and the headers that stop framing and sniffing are there.
// The list of pages is read from app/, so a new page without a visit here fails this spec.
import { readdirSync } from "node:fs";
import path from "node:path";
import type { Page, Response } from "@playwright/test";
import { IMMUTABILITY_LESSON } from "./pages/lesson-page";
import { expect, signUpViaApi, test } from "./support/accounts";

/** Every page route under app/, as its folder pattern ("/grading/students/[id]"). */
function pageRoutes(): string[] {
  const root = path.resolve(import.meta.dirname, "..", "app");
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else if (entry.name === "page.tsx") found.push("/" + path.relative(root, dir).split(path.sep).join("/"));
    }
  };
  walk(root);
  return found.map((route) => (route === "/" ? "/" : route.replace(/\/$/, ""))).sort();
}

/** Records CSP violations seen by the page, from the console and from the DOM event. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const seen: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (load|execute|apply)/i.test(message.text())) seen.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const list = ((window as unknown as { cspViolations?: string[] }).cspViolations ??= []);
      list.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
    });
  });
  return async () => [
    ...seen,
    ...(await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? [])),
  ];
}

function expectSecurityHeaders(response: Response | null, url: string) {
  expect(response, url).not.toBeNull();
  const headers = response!.headers();
  const csp = headers["content-security-policy"] ?? "";
  expect(csp, `${url}: CSP`).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
  expect(csp, `${url}: CSP`).toContain("frame-ancestors 'none'");
  expect(csp, `${url}: CSP`).not.toContain("unsafe-inline' 'strict");
  expect(headers["x-content-type-options"], url).toBe("nosniff");
  expect(headers["referrer-policy"], url).toBe("same-origin");
  expect(headers["x-frame-options"], url).toBe("DENY");
  return /'nonce-([^']+)'/.exec(csp)![1]!;
}

test("every page renders under the CSP with no violation, and carries the security headers", async ({
  page,
  instructorPage,
  playwright,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const someone = await playwright.request.newContext({ baseURL });
  const student = await signUpViaApi(someone);
  await someone.dispose();

  // Where each page is visited, and as whom: anonymous for the sign-in pages, the instructor for the rest.
  const visits: Record<string, { url: string; as: "anonymous" | "instructor" }> = {
    "/": { url: "/", as: "anonymous" },
    "/lessons/[module]/[lesson]": { url: IMMUTABILITY_LESSON, as: "instructor" },
    "/setup": { url: "/setup", as: "anonymous" },
    "/sign-in": { url: "/sign-in", as: "anonymous" },
    "/sign-up": { url: "/sign-up", as: "anonymous" },
    "/not-allowed": { url: "/not-allowed", as: "anonymous" },
    "/account": { url: "/account", as: "instructor" },
    "/admin": { url: "/admin", as: "instructor" },
    "/dashboard": { url: "/dashboard", as: "instructor" },
    "/connections": { url: "/connections", as: "instructor" },
    "/grading": { url: "/grading", as: "instructor" },
    "/grading/students/[id]": { url: `/grading/students/${student.id}`, as: "instructor" },
    "/authoring": { url: "/authoring", as: "instructor" },
    "/device": { url: "/device", as: "instructor" },
  };
  expect(Object.keys(visits).sort(), "a page under app/ has no visit in this spec").toEqual(pageRoutes());

  const watched = new Map<Page, () => Promise<string[]>>();
  for (const p of [page, instructorPage]) watched.set(p, await watchViolations(p));
  const nonces = new Set<string>();
  for (const [route, { url, as }] of [
    ...Object.entries(visits),
    ["404", { url: "/no-such-page", as: "anonymous" }] as const,
  ]) {
    const p = as === "instructor" ? instructorPage : page;
    const response = await p.goto(url);
    nonces.add(expectSecurityHeaders(response, url));
    await expect(p.getByRole("heading", { level: 1 }), `${route} rendered`).toBeVisible();
    // Let client components hydrate and run their effects before counting violations.
    await p.waitForLoadState("networkidle");
    expect(await watched.get(p)!(), `${route}: CSP violations`).toEqual([]);
  }
  // A fresh nonce per page view.
  expect(nonces.size).toBe(Object.keys(visits).length + 1);

  // Next's scripts run under the nonce: the sign-in form hydrates (its button is enabled only then).
  await page.goto("/sign-in");
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();

  // Shiki's token colours apply (style attributes are allowed; style elements need the nonce).
  await instructorPage.goto(IMMUTABILITY_LESSON);
  const colours = await instructorPage
    .locator(".code-body .shiki span span")
    .evaluateAll((spans) => new Set(spans.map((span) => getComputedStyle(span).color)).size);
  expect(colours).toBeGreaterThan(2);
  expect(await watched.get(instructorPage)!()).toEqual([]);
});

test("API answers carry nosniff and are not framable", async ({ page }) => {
  const response = await page.request.get("/api/auth/get-session");
  expect(response.headers()["x-content-type-options"]).toBe("nosniff");
  expect(response.headers()["x-frame-options"]).toBe("DENY");
});
