// Runs first, on the fresh database e2e/serve.ts creates: the first account becomes the
// instructor. Every other spec depends on this project and reuses the instructor it saves.
import { expect, test } from "@playwright/test";
import { INSTRUCTOR_STATE, currentRole, newAccountDetails } from "./support/accounts";
import { AuthForms } from "./pages/auth-forms";

test("first run: /setup explains the instructor account, creates it, then disappears", async ({
  page,
  browser,
}, testInfo) => {
  // Before anyone exists, sign-in and sign-up lead to the set-up page.
  await page.goto("/sign-up");
  await expect(page).toHaveURL(/\/setup$/);
  await page.goto("/sign-in");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Set up CKS Lab");
  await expect(page.getByText(/becomes the\s+instructor/)).toBeVisible();

  for (const [name, options] of [
    ["setup-light", { viewport: { width: 1280, height: 900 }, colorScheme: "light" as const }],
    ["setup-phone", { viewport: { width: 390, height: 844 }, colorScheme: "light" as const }],
  ] as const) {
    const context = await browser.newContext({ ...options, baseURL: testInfo.project.use.baseURL });
    const shot = await context.newPage();
    await shot.goto("/setup");
    await expect(shot.getByRole("button", { name: "Create the instructor account" })).toBeEnabled();
    await shot.screenshot({ path: testInfo.outputPath(`${name}.png`) });
    await context.close();
  }

  const forms = new AuthForms(page);
  // The server validates with the same schema as the form: a short password is refused.
  const instructor = newAccountDetails("instructor");
  await forms.signUp({ ...instructor, password: "short" }, "Create the instructor account");
  await expect(forms.error).toHaveText("Use at least 8 characters for your password.");

  await forms.signUp(instructor, "Create the instructor account");
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Admin");
  await expect(page.getByRole("link", { name: `Your account: ${instructor.name}, Instructor` })).toBeVisible();
  expect(await currentRole(page.request)).toBe("instructor");

  // Once an account exists, /setup is gone for everyone.
  await page.goto("/setup");
  await expect(page).not.toHaveURL(/\/setup$/);
  const anonymous = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const visitor = await anonymous.newPage();
  await visitor.goto("/setup");
  await expect(visitor).toHaveURL(/\/sign-in$/);
  await anonymous.close();

  await page.context().storageState({ path: INSTRUCTOR_STATE });
});
