import type { Nodes as MdNode, PhrasingContent, RootContent } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { gfm } from "micromark-extension-gfm";
import { slugify } from "./slug";

// Lessons become a small, serialisable document tree that the React layer renders without
// any HTML strings from authors: raw HTML in markdown is dropped, never injected.

export type Inline =
  | { type: "text"; value: string }
  | { type: "code"; value: string }
  | { type: "strong" | "emphasis" | "delete"; children: Inline[] }
  | { type: "link"; href: string; children: Inline[] }
  | { type: "break" };

export type CalloutKind = "note" | "tip" | "important" | "warning" | "caution";

export type Block =
  | { type: "heading"; depth: 2 | 3 | 4; id: string; text: string; children: Inline[] }
  | { type: "paragraph"; children: Inline[] }
  | { type: "code"; lang: string; code: string; html?: string }
  | { type: "list"; ordered: boolean; start: number; items: Block[][] }
  | { type: "quote"; children: Block[] }
  | { type: "callout"; kind: CalloutKind; children: Block[] }
  | { type: "table"; align: Array<"left" | "right" | "center" | null>; head: Inline[][]; rows: Inline[][][] }
  | { type: "rule" };

export interface OutlineEntry {
  id: string;
  text: string;
  depth: 2 | 3;
}

export interface LessonDocument {
  blocks: Block[];
  outline: OutlineEntry[];
}

/** Parses lesson markdown (GitHub-flavoured, with `> [!NOTE]` call-outs) into blocks and an outline. */
export function parseLessonMarkdown(markdown: string): LessonDocument {
  const tree = fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const ids = new Map<string, number>();
  const outline: OutlineEntry[] = [];
  const ctx = {
    uniqueId(text: string) {
      const base = slugify(text) || "section";
      const seen = ids.get(base) ?? 0;
      ids.set(base, seen + 1);
      return seen === 0 ? base : `${base}-${seen}`;
    },
    outline,
  };
  return { blocks: convertBlocks(tree.children, ctx), outline };
}

type Ctx = { uniqueId(text: string): string; outline: OutlineEntry[] };

function convertBlocks(nodes: RootContent[], ctx: Ctx): Block[] {
  const out: Block[] = [];
  for (const node of nodes) {
    const block = convertBlock(node, ctx);
    if (block) out.push(block);
  }
  return out;
}

function convertBlock(node: RootContent, ctx: Ctx): Block | null {
  switch (node.type) {
    case "heading": {
      const text = plainText(node);
      const depth = Math.min(Math.max(node.depth, 2), 4) as 2 | 3 | 4;
      const id = ctx.uniqueId(text);
      if (depth !== 4) ctx.outline.push({ id, text, depth });
      return { type: "heading", depth, id, text, children: convertInlines(node.children) };
    }
    case "paragraph":
      return { type: "paragraph", children: convertInlines(node.children) };
    case "code":
      return { type: "code", lang: (node.lang ?? "text").toLowerCase(), code: node.value };
    case "list":
      return {
        type: "list",
        ordered: node.ordered ?? false,
        start: node.start ?? 1,
        items: node.children.map((item) => convertBlocks(item.children, ctx)),
      };
    case "blockquote":
      return convertQuote(node.children, ctx);
    case "table": {
      const [head, ...rows] = node.children;
      const cells = (row: typeof head) => (row ? row.children.map((cell) => convertInlines(cell.children)) : []);
      return { type: "table", align: node.align ?? [], head: cells(head), rows: rows.map(cells) };
    }
    case "thematicBreak":
      return { type: "rule" };
    default:
      return null;
  }
}

const CALLOUT = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*/;

function convertQuote(children: RootContent[], ctx: Ctx): Block {
  const [first, ...rest] = children;
  const lead = first?.type === "paragraph" ? first.children[0] : undefined;
  const match = lead?.type === "text" ? CALLOUT.exec(lead.value) : null;
  if (!first || first.type !== "paragraph" || !lead || lead.type !== "text" || !match) {
    return { type: "quote", children: convertBlocks(children, ctx) };
  }
  const remainder = lead.value.slice(match[0].length);
  const paragraphChildren: PhrasingContent[] = [
    ...(remainder ? [{ ...lead, value: remainder }] : []),
    ...first.children.slice(1),
  ];
  const body: RootContent[] = paragraphChildren.length ? [{ ...first, children: paragraphChildren }, ...rest] : rest;
  return { type: "callout", kind: match[1]!.toLowerCase() as CalloutKind, children: convertBlocks(body, ctx) };
}

function convertInlines(nodes: PhrasingContent[]): Inline[] {
  const out: Inline[] = [];
  for (const node of nodes) {
    switch (node.type) {
      case "text":
        out.push({ type: "text", value: node.value });
        break;
      case "inlineCode":
        out.push({ type: "code", value: node.value });
        break;
      case "strong":
      case "emphasis":
      case "delete":
        out.push({ type: node.type, children: convertInlines(node.children) });
        break;
      case "link":
        out.push({ type: "link", href: safeHref(node.url), children: convertInlines(node.children) });
        break;
      case "break":
        out.push({ type: "break" });
        break;
      default:
        // Raw HTML, images and footnote references are not part of the lesson format.
        break;
    }
  }
  return out;
}

// Lesson links may point at other pages or anchors, never at script URLs or protocol-relative hosts.
function safeHref(url: string): string {
  return /^(https?:|mailto:|\/(?!\/)|#)/i.test(url) ? url : "#";
}

function plainText(node: MdNode): string {
  if ("value" in node && typeof node.value === "string") return node.value;
  if ("children" in node) return (node.children as MdNode[]).map(plainText).join("");
  return "";
}
