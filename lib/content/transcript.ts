import type { Block, CodeBlock } from "./markdown";

/** One command of a console block and the output the lesson shows for it. */
export type TranscriptCommand = { command: string; expected: string[] };

/** What replaying a lesson does, in document order. */
export type TranscriptStep =
  | { kind: "file"; line: number; name: string; content: string }
  | { kind: "console"; line: number; eventually: boolean; commands: TranscriptCommand[] };

/**
 * The replayable parts of a lesson, in order: files named with `file=` (written before the console
 * blocks after them run) and console blocks. Abridged console blocks and those marked not replayed
 * (with the reason) are left out; bash blocks are commands for the reader's own machine and never replayed.
 */
export function transcriptSteps(blocks: Block[]): TranscriptStep[] {
  return codeBlocks(blocks).flatMap((block): TranscriptStep[] => {
    if (block.lang === "console") {
      if (block.abridged || block.notReplayed) return [];
      return [
        {
          kind: "console",
          line: block.line,
          eventually: block.eventually === true,
          commands: parseConsole(block.code),
        },
      ];
    }
    if (block.file) return [{ kind: "file", line: block.line, name: block.file, content: ensureNewline(block.code) }];
    return [];
  });
}

function codeBlocks(blocks: Block[]): CodeBlock[] {
  return blocks.flatMap((block) => {
    if (block.type === "code") return [block];
    if (block.type === "callout" || block.type === "quote") return codeBlocks(block.children);
    if (block.type === "list") return block.items.flatMap(codeBlocks);
    return [];
  });
}

function ensureNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

/**
 * Splits a console block into commands (lines starting with `$ `, continued by a trailing `\`) and
 * the output lines under each. Output before the first command is an authoring error.
 */
export function parseConsole(code: string): TranscriptCommand[] {
  const commands: TranscriptCommand[] = [];
  const lines = code.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("$ ")) {
      let command = line.slice(2);
      while (command.endsWith("\\") && i + 1 < lines.length) {
        i++;
        command = `${command.slice(0, -1).trimEnd()} ${lines[i]!.trim()}`;
      }
      commands.push({ command: command.trim(), expected: [] });
    } else {
      const current = commands.at(-1);
      if (!current) {
        if (line.trim() === "") continue;
        throw new Error(`console output "${line}" comes before any "$ " command`);
      }
      current.expected.push(line);
    }
  }
  return commands;
}

/** Stand-ins for what differs between two runs of the same command. */
const VOLATILE: Array<[RegExp, string]> = [
  // nginx and Go log timestamps: 2026/11/28 00:44:13, 2026-11-28T00:44:13.123Z
  [/\b\d{4}[/-]\d{2}[/-]\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?/g, "<time>"],
  // Names with a pod-template hash and a random suffix (web-5d4b9c7f6-x2vqk), or a random suffix alone.
  [/\b([a-z0-9]+(?:-[a-z0-9]+)*?)-[a-z0-9]{8,10}-[a-z0-9]{5}\b/g, "$1-<hash>-<id>"],
  // A ReplicaSet named after its pod-template hash (web-5d4b9c7f6): the hash is up to ten of the characters
  // the decimal FNV sum maps to, and the test cluster hashes other bytes than a real one, so it never compares.
  [/\b([a-z0-9]+(?:-[a-z0-9]+)*?)-[456789bcdf]{8,10}\b(?!-)/g, "$1-<hash>"],
  [/\b(debugger)-[a-z0-9]{5}\b/g, "$1-<id>"],
  // Ages and durations as kubectl prints them: 8s, 70s, 2m3s, 5m, 3h, 4d, 10m30s.
  [/\b\d+(?:d|h|m|s)(?:\d+(?:h|m|s))*\b/g, "<age>"],
];

/**
 * Puts output into the form two runs can be compared in: the run's own namespace shown as `default`,
 * timestamps, ages and random name suffixes replaced, runs of spaces (table padding) collapsed,
 * trailing blank lines dropped.
 */
export function normaliseOutput(text: string, options: { namespace?: string } = {}): string[] {
  let out = text.replace(/\r\n/g, "\n");
  if (options.namespace) out = out.replace(new RegExp(`\\b${escapeRegExp(options.namespace)}\\b`, "g"), "default");
  for (const [pattern, replacement] of VOLATILE) out = out.replace(pattern, replacement);
  const lines = out.split("\n").map((line) => line.replace(/[ \t]+/g, " ").trimEnd());
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  return lines;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A line of only `...` in the lesson's output stands for any number of lines, none included. */
export const ELLIPSIS = "...";

/**
 * Whether actual output matches the lesson's, line by line after normalising both; `...` lines match
 * any run of lines.
 */
export function outputMatches(expected: string[], actual: string[]): boolean {
  const want = normaliseOutput(expected.join("\n"));
  const memo = new Map<string, boolean>();
  const match = (w: number, a: number): boolean => {
    const key = `${w}:${a}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (w === want.length) result = a === actual.length;
    else if (want[w] === ELLIPSIS) result = match(w + 1, a) || (a < actual.length && match(w, a + 1));
    else result = a < actual.length && want[w] === actual[a] && match(w + 1, a + 1);
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}
