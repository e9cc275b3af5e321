import type { Block, CalloutKind, Inline } from "@/lib/content/markdown";
import { CopyButton } from "./CopyButton";

const CALLOUT_LABEL: Record<CalloutKind, string> = {
  note: "Note",
  tip: "Tip",
  important: "Important",
  warning: "Warning",
  caution: "Caution",
};

/** Renders a lesson's blocks; code arrives pre-highlighted from the server. */
export function LessonContent({ blocks }: { blocks: Block[] }) {
  return <div className="prose">{renderBlocks(blocks)}</div>;
}

function renderBlocks(blocks: Block[]) {
  return blocks.map((block, i) => <BlockView key={i} block={block} />);
}

function BlockView({ block }: { block: Block }) {
  switch (block.type) {
    case "heading": {
      const Tag: "h2" | "h3" | "h4" = `h${block.depth}`;
      return (
        <Tag id={block.id} className="anchored">
          <a href={`#${block.id}`} className="anchor" aria-label={`Link to ${block.text}`}>
            #
          </a>
          {renderInlines(block.children)}
        </Tag>
      );
    }
    case "paragraph":
      return <p>{renderInlines(block.children)}</p>;
    case "code":
      return (
        <figure className="code-block" data-lang={block.lang}>
          <figcaption>
            <span className="code-lang">{block.file ?? block.lang}</span>
            {block.abridged ? (
              <span className="code-note" title="Some output lines are left out">
                output abridged
              </span>
            ) : null}
            {block.notReplayed ? (
              <span
                className="code-note"
                title={`Our tests replay the other console blocks against a test cluster; this one ${block.notReplayed}.`}
              >
                not replayed: {block.notReplayed}
              </span>
            ) : null}
            <CopyButton text={block.code} name={codeBlockName(block.file ?? block.lang, block.code)} />
          </figcaption>
          {block.html ? (
            // Shiki escapes the code it highlights; the HTML never contains author-supplied markup.
            <div className="code-body" dangerouslySetInnerHTML={{ __html: block.html }} />
          ) : (
            <pre className="code-body">
              <code>{block.code}</code>
            </pre>
          )}
        </figure>
      );
    case "list": {
      const items = block.items.map((item, i) => <li key={i}>{renderBlocks(item)}</li>);
      return block.ordered ? <ol start={block.start}>{items}</ol> : <ul>{items}</ul>;
    }
    case "quote":
      return <blockquote>{renderBlocks(block.children)}</blockquote>;
    case "callout":
      return (
        <aside className={`callout callout-${block.kind}`} role="note" aria-label={CALLOUT_LABEL[block.kind]}>
          <p className="callout-title">{CALLOUT_LABEL[block.kind]}</p>
          {renderBlocks(block.children)}
        </aside>
      );
    case "table":
      return (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Table">
          <table>
            <thead>
              <tr>
                {block.head.map((cell, i) => (
                  <th key={i} style={{ textAlign: block.align[i] ?? undefined }} scope="col">
                    {renderInlines(cell)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {block.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, i) => (
                    <td key={i} style={{ textAlign: block.align[i] ?? undefined }}>
                      {renderInlines(cell)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    case "rule":
      return <hr />;
  }
}

function renderInlines(nodes: Inline[]): React.ReactNode {
  return nodes.map((node, i) => {
    switch (node.type) {
      case "text":
        return node.value;
      case "code":
        return <code key={i}>{node.value}</code>;
      case "strong":
        return <strong key={i}>{renderInlines(node.children)}</strong>;
      case "emphasis":
        return <em key={i}>{renderInlines(node.children)}</em>;
      case "delete":
        return <del key={i}>{renderInlines(node.children)}</del>;
      case "link": {
        const external = /^https?:/.test(node.href);
        return (
          <a key={i} href={node.href} {...(external ? { target: "_blank", rel: "noreferrer" } : {})}>
            {renderInlines(node.children)}
          </a>
        );
      }
      case "break":
        return <br key={i} />;
    }
  });
}

/**
 * What a code block's Copy button is called: its caption and what sets it apart (a manifest's kind and name,
 * else its first line), so each button names its own block.
 */
function codeBlockName(caption: string, code: string): string {
  const kind = /^kind:\s*(\S+)/m.exec(code)?.[1];
  const name = /^\s+name:\s*(\S+)/m.exec(code)?.[1];
  const first =
    code
      .split("\n")
      .find((line) => line.trim() !== "")
      ?.trim() ?? "";
  const what = kind ? `${kind}${name ? ` ${name}` : ""}` : first;
  const shown = what.length > 48 ? `${what.slice(0, 47)}…` : what;
  return shown ? `${caption} block: ${shown}` : `${caption} block`;
}
