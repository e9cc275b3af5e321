import { expect, type Locator, type Page } from "@playwright/test";

/** The sign-in, sign-up and set-up forms, filled from the keyboard's point of view (by label). */
export class AuthForms {
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.error = page.locator("form").getByRole("alert");
  }

  /** Fills the sign-up (or set-up) form and presses its submit button. */
  async signUp(
    details: { name: string; email: string; password: string; inviteCode?: string; setupCode?: string },
    submit = "Create account",
  ) {
    // Enabled means hydrated: the form then validates and submits through fetch.
    await expect(this.page.getByRole("button", { name: submit })).toBeEnabled();
    if (details.setupCode !== undefined) await this.page.getByLabel("Setup code").fill(details.setupCode);
    await this.page.getByLabel("Name").fill(details.name);
    await this.page.getByLabel("Email").fill(details.email);
    await this.page.getByLabel("Password").fill(details.password);
    if (details.inviteCode !== undefined)
      await this.page.getByRole("textbox", { name: "Invite code" }).fill(details.inviteCode);
    await this.page.getByRole("button", { name: submit }).click();
  }

  /** Fills the sign-in form and submits it with Enter. */
  async signIn(email: string, password: string) {
    await expect(this.page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByLabel("Password").press("Enter");
  }
}
