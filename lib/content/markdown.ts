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
  | CodeBlock
  | { type: "list"; ordered: boolean; start: number; items: Block[][] }
  | { type: "quote"; children: Block[] }
  | { type: "callout"; kind: CalloutKind; children: Block[] }
  | { type: "table"; align: Array<"left" | "right" | "center" | null>; head: Inline[][]; rows: Inline[][][] }
  | { type: "rule" };

/**
 * A fenced code block. Words after the language (` ```yaml file=nginx.yaml `) are options:
 * `file=NAME` names the file a manifest is saved as (console blocks then refer to it), `abridged`
 * marks a console block whose output is shortened by hand (the transcript test does not replay it),
 * `eventually` marks a console block whose output appears after a while (the transcript test repeats
 * its commands until they print it), `not-replayed="reason"` marks a console block the test cluster
 * cannot produce (output from a controller or a tool outside the cluster): the page shows the reason
 * and the transcript test skips it.
 */
export type CodeBlock = {
  type: "code";
  lang: string;
  code: string;
  html?: string;
  /** 1-based line of the opening fence in the markdown body. */
  line: number;
  file?: string;
  abridged?: boolean;
  eventually?: boolean;
  /** Why the transcript test cannot replay this console block (it needs a controller the test cluster lacks). */
  notReplayed?: string;
};

/** A problem in the markdown that rendering tolerates but content validation must report. */
export interface MarkdownProblem {
  line: number;
  message: string;
}

export interface OutlineEntry {
  id: string;
  text: string;
  depth: 2 | 3;
}

export interface LessonDocument {
  blocks: Block[];
  outline: OutlineEntry[];
  problems: MarkdownProblem[];
}

/** Parses lesson markdown (GitHub-flavoured, with `> [!NOTE]` call-outs) into blocks and an outline. */
export function parseLessonMarkdown(markdown: string): LessonDocument {
  const tree = fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const ids = new Map<string, number>();
  const outline: OutlineEntry[] = [];
  const problems: MarkdownProblem[] = [];
  const ctx = {
    uniqueId(text: string) {
      const base = slugify(text) || "section";
      const seen = ids.get(base) ?? 0;
      ids.set(base, seen + 1);
      return seen === 0 ? base : `${base}-${seen}`;
    },
    outline,
    problems,
  };
  return { blocks: convertBlocks(tree.children, ctx), outline, problems };
}

type Ctx = { uniqueId(text: string): string; outline: OutlineEntry[]; problems: MarkdownProblem[] };

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
      return codeBlock(node.lang ?? "text", node.meta ?? "", node.value, node.position?.start.line ?? 1, ctx);
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

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

// Options are words, `key=value`, or `key="value with spaces"`.
const OPTION = /([A-Za-z-]+)="([^"]*)"|(\S+)/g;

function codeBlock(langWord: string, meta: string, code: string, line: number, ctx: Ctx): CodeBlock {
  const block: CodeBlock = { type: "code", lang: langWord.toLowerCase(), code, line };
  const problem = (message: string) => ctx.problems.push({ line, message });
  const expected = 'expected file=NAME, abridged, eventually or not-replayed="reason"';
  for (const option of meta.matchAll(OPTION)) {
    const word = option[0];
    const [key, value] =
      option[1] !== undefined
        ? [option[1], option[2] ?? ""]
        : word.includes("=")
          ? [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)]
          : [word];
    if (key === "file" && value !== undefined) {
      if (FILE_NAME.test(value)) block.file = value;
      else problem(`code block option "file": "${value}" must be a plain file name like nginx-fixed.yaml`);
    } else if ((key === "abridged" || key === "eventually") && value === undefined) {
      if (block.lang !== "console") problem(`code block option "${key}" applies to console blocks only`);
      else block[key] = true;
    } else if (key === "not-replayed" && option[1] !== undefined && value !== undefined) {
      if (block.lang !== "console") problem('code block option "not-replayed" applies to console blocks only');
      else if (value.trim().length < 5)
        problem('code block option "not-replayed" needs a reason, like "needs ingress-nginx"');
      else block.notReplayed = value.trim();
    } else {
      problem(`code block option "${word}" is unknown (${expected})`);
    }
  }
  const modes = [
    block.abridged && "abridged",
    block.eventually && "eventually",
    block.notReplayed && "not-replayed",
  ].filter(Boolean);
  if (modes.length > 1)
    problem(`a console block is one of "abridged", "eventually" or "not-replayed", not ${modes.join(" and ")}`);
  return block;
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
