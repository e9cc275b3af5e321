import { expect, type Locator, type Page } from "@playwright/test";

export const IMMUTABILITY_LESSON = "/lessons/runtime-security/immutable-containers";

/** The lesson page as a learner sees it. */
export class LessonPage {
  readonly title: Locator;
  readonly article: Locator;
  readonly codeBlocks: Locator;
  readonly outline: Locator;
  readonly bookmark: Locator;

  constructor(readonly page: Page) {
    this.title = page.getByRole("heading", { level: 1 });
    this.article = page.locator("article.lesson");
    this.codeBlocks = page.locator("figure.code-block");
    this.outline = page.getByRole("navigation", { name: "On this page" });
    this.bookmark = page.getByRole("button", { name: /Bookmark/ });
  }

  async goto(path = IMMUTABILITY_LESSON) {
    const response = await this.page.goto(path);
    await expect(this.title).toBeVisible();
    return response;
  }

  yamlBlocks() {
    // By language, not caption: a manifest saved under a name shows that name instead of "yaml".
    return this.page.locator('figure.code-block[data-lang="yaml"]');
  }

  callout(kind: "Note" | "Tip" | "Important" | "Warning" | "Caution") {
    return this.article.getByRole("note", { name: kind });
  }
}
