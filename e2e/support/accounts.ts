// API-level accounts for the browser tests: each test gets a fresh student with a random email,
// signed in through better-auth's HTTP API (not the UI), so the cookie lands in the page's context.
// The run's instructor is created once through the UI by first-run.spec.ts, which saves its
// browser state here; the `desktop` project depends on that step (playwright.config.ts).
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { expect, test as base, type APIRequestContext, type Page } from "@playwright/test";

/** Where first-run.spec.ts leaves the instructor's signed-in browser state. */
export const INSTRUCTOR_STATE = path.resolve(import.meta.dirname, "..", ".artifacts", "instructor-state.json");

/** A user created for one test. */
export type TestAccount = { id: string; name: string; email: string; password: string };

/** A fresh, unique account's details (nothing is created yet). */
export function newAccountDetails(prefix = "student"): Omit<TestAccount, "id"> {
  const tag = randomUUID().slice(0, 8);
  return {
    name: `${prefix[0]!.toUpperCase()}${prefix.slice(1)} ${tag}`,
    email: `${prefix}-${tag}@example.test`,
    password: `pw-${randomUUID()}`,
  };
}

// The app allows 30 sign-ups a minute from one address (lib/auth/server.ts), and a whole class signing
// up from one address is not what a classroom looks like. The e2e server trusts this machine as a proxy
// (e2e/serve.ts), so each account arrives from its own documentation address (TEST-NET-3), as students
// behind a school's reverse proxy would.
let nextAddress = Math.floor(Math.random() * 254);
function studentAddress(): string {
  nextAddress = (nextAddress + 1) % 254;
  return `203.0.113.${nextAddress + 1}`;
}

/** Signs up through the API; the session cookie is stored in `request`'s cookie jar. */
export async function signUpViaApi(request: APIRequestContext, details = newAccountDetails()): Promise<TestAccount> {
  const response = await request.post("/api/auth/sign-up/email", {
    data: { name: details.name, email: details.email, password: details.password },
    headers: { "x-forwarded-for": studentAddress() },
  });
  expect(response.status(), await response.text()).toBe(200);
  const body = (await response.json()) as { user: { id: string } };
  return { ...details, id: body.user.id };
}

/** The role the server currently sees for whoever `request` is signed in as (null: signed out). */
export async function currentRole(request: APIRequestContext): Promise<string | null> {
  const response = await request.get("/api/auth/get-session");
  const body = (await response.json()) as { user?: { role?: string } } | null;
  return body?.user?.role ?? null;
}

type Fixtures = {
  /** A new student, signed in in `page`'s browser context. */
  student: TestAccount;
  /** A page signed in as the run's instructor, in its own browser context. */
  instructorPage: Page;
};

/** Playwright's `test` with account fixtures. */
export const test = base.extend<Fixtures>({
  student: async ({ page }, provide) => {
    await provide(await signUpViaApi(page.request));
  },
  instructorPage: async ({ browser }, provide, testInfo) => {
    if (!existsSync(INSTRUCTOR_STATE))
      throw new Error(
        `${INSTRUCTOR_STATE} is missing: run the first-run project first (it is a dependency of desktop)`,
      );
    const context = await browser.newContext({ storageState: INSTRUCTOR_STATE, baseURL: testInfo.project.use.baseURL });
    const page = await context.newPage();
    await provide(page);
    await context.close();
  },
});

export { expect };
