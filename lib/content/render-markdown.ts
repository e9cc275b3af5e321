import { highlightCode } from "./highlight";
import { parseLessonMarkdown, type Block, type LessonDocument } from "./markdown";

/** Parses markdown and (unless told not to, e.g. when only validating) highlights its code blocks. */
export async function renderMarkdown(markdown: string, options: { highlight?: boolean } = {}): Promise<LessonDocument> {
  const document = parseLessonMarkdown(markdown);
  if (options.highlight !== false) await highlightBlocks(document.blocks);
  return document;
}

async function highlightBlocks(blocks: Block[]): Promise<void> {
  for (const block of blocks) {
    if (block.type === "code") block.html = await highlightCode(block.code, block.lang);
    else if (block.type === "callout" || block.type === "quote") await highlightBlocks(block.children);
    else if (block.type === "list") for (const item of block.items) await highlightBlocks(item);
  }
}
