import { createHighlighter, type Highlighter } from "shiki";

const LANGS = ["yaml", "bash", "console", "json", "text"] as const;
let highlighter: Promise<Highlighter> | undefined;

/**
 * Server-side syntax highlighting with light and dark colours as CSS variables, so the page
 * follows the reader's colour scheme without shipping a highlighter to the browser.
 */
export async function highlightCode(code: string, lang: string): Promise<string> {
  highlighter ??= createHighlighter({ themes: ["github-light", "github-dark"], langs: [...LANGS] });
  const h = await highlighter;
  const known = (LANGS as readonly string[]).includes(lang) || lang === "sh" || lang === "shell" || lang === "yml";
  return h.codeToHtml(code, { lang: known ? lang : "text", themes: { light: "github-light", dark: "github-dark" } });
}
