import { highlightCode } from "./highlight";
import { parseLessonMarkdown, type Block, type LessonDocument } from "./markdown";

/** Parses markdown and highlights its code blocks on the server. */
export async function renderMarkdown(markdown: string): Promise<LessonDocument> {
  const document = parseLessonMarkdown(markdown);
  await highlightBlocks(document.blocks);
  return document;
}

async function highlightBlocks(blocks: Block[]): Promise<void> {
  for (const block of blocks) {
    if (block.type === "code") block.html = await highlightCode(block.code, block.lang);
    else if (block.type === "callout" || block.type === "quote") await highlightBlocks(block.children);
    else if (block.type === "list") for (const item of block.items) await highlightBlocks(item);
  }
}
