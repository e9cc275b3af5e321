import { expect, type Locator, type Page } from "@playwright/test";

/** The practice lab under a lesson. */
export class LabPanel {
  readonly root: Locator;
  readonly checkButton: Locator;
  readonly score: Locator;

  constructor(readonly page: Page) {
    this.root = page
      .getByRole("region", { name: /./ })
      .filter({ has: page.getByText("Practice lab", { exact: true }) });
    this.checkButton = this.root.getByRole("button", { name: /^(Check|Checking…)$/ });
    this.score = this.root.getByTestId("lab-score");
  }

  /** Presses Check and waits until that run has finished (not just until an earlier score shows). */
  async check() {
    await expect(this.checkButton).toHaveText("Check");
    const before = Number(await this.root.getAttribute("data-finished-runs"));
    await this.checkButton.click();
    await expect(this.root).toHaveAttribute("data-finished-runs", String(before + 1), { timeout: 30_000 });
    await expect(this.checkButton).toHaveText("Check");
  }

  checkRow(title: string | RegExp) {
    return this.root.locator("li.check").filter({ has: this.page.locator(".check-title", { hasText: title }) });
  }
}
