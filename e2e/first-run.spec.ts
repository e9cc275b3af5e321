// Runs first, on the fresh database e2e/serve.ts creates: the first account becomes the
// instructor. Every other spec depends on this project and reuses the instructor it saves.
import { existsSync, readFileSync, statSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { INSTRUCTOR_STATE, currentRole, newAccountDetails } from "./support/accounts";
import { AuthForms } from "./pages/auth-forms";
import { SETUP_CODE_FILE } from "./support/setup-code";

test("first run: only the operator's one-time setup code creates the instructor account, then /setup disappears", async ({
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

  // The operator reads the code from the file the server wrote (and printed in its console).
  expect(statSync(SETUP_CODE_FILE).mode & 0o777).toBe(0o600);
  const setupCode = readFileSync(SETUP_CODE_FILE, "utf8").trim();
  expect(setupCode).toMatch(/^[2-9A-Z]{5}(-[2-9A-Z]{5}){3}$/);

  const forms = new AuthForms(page);
  const instructor = newAccountDetails("instructor");
  // Whoever reaches /setup without the code cannot claim the instance.
  await forms.signUp({ ...instructor, setupCode: "" }, "Create the instructor account");
  await expect(forms.error).toContainText("Enter the setup code CKS Lab printed in its console");
  await forms.signUp({ ...instructor, setupCode: "ABCDE-FGHJK-MNPQR-STUVW" }, "Create the instructor account");
  await expect(forms.error).toContainText("Enter the setup code CKS Lab printed in its console");
  // The server validates with the same schema as the form: a short password is refused, and a common one.
  await forms.signUp({ ...instructor, setupCode, password: "short" }, "Create the instructor account");
  await expect(forms.error).toHaveText("Use at least 12 characters for your password.");
  await forms.signUp({ ...instructor, setupCode, password: "qwerty123456" }, "Create the instructor account");
  await expect(forms.error).toHaveText(
    "That password is on a list of common passwords attackers try first. Choose a less common one.",
  );

  await forms.signUp({ ...instructor, setupCode }, "Create the instructor account");
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Admin");
  await expect(page.getByRole("link", { name: `Your account: ${instructor.name}, Instructor` })).toBeVisible();
  expect(await currentRole(page.request)).toBe("instructor");
  // The code died with its use.
  expect(existsSync(SETUP_CODE_FILE)).toBe(false);

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
