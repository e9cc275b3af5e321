import { expect, type Locator, type Page } from "@playwright/test";

/** The practice lab under a lesson. */
export class LabPanel {
  readonly root: Locator;
  readonly checkButton: Locator;
  readonly score: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByRole("region", { name: /./ }).filter({ has: page.getByText("Practice lab", { exact: true }) });
    this.checkButton = this.root.getByRole("button", { name: /^(Check|Checking…)$/ });
    this.score = this.root.getByTestId("lab-score");
  }

  /** Presses Check and waits until the run has finished (the score appears). */
  async check() {
    await expect(this.checkButton).toHaveText("Check");
    await this.checkButton.click();
    await expect(this.checkButton).toHaveText("Check", { timeout: 30_000 });
    await expect(this.score).toBeVisible();
  }

  checkRow(title: string | RegExp) {
    return this.root.locator("li.check").filter({ has: this.page.locator(".check-title", { hasText: title }) });
  }
}
