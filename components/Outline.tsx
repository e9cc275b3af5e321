import type { OutlineEntry } from "@/lib/content/markdown";

function OutlineList({ entries }: { entries: OutlineEntry[] }) {
  return (
    <ol>
      {entries.map((entry) => (
        <li key={entry.id} className={`depth-${entry.depth}`}>
          <a href={`#${entry.id}`}>{entry.text}</a>
        </li>
      ))}
    </ol>
  );
}

/** The "On this page" list of a lesson's sections: a sticky sidebar on wide screens. */
export function Outline({ entries }: { entries: OutlineEntry[] }) {
  if (entries.length === 0) return null;
  return (
    <nav className="outline outline-wide" aria-labelledby="outline-title">
      <p id="outline-title" className="outline-title">
        On this page
      </p>
      <OutlineList entries={entries} />
    </nav>
  );
}

/** The same outline folded under the lesson header on narrow screens. */
export function OutlineCompact({ entries }: { entries: OutlineEntry[] }) {
  if (entries.length === 0) return null;
  return (
    <details className="outline outline-compact">
      <summary className="outline-title">On this page</summary>
      <nav aria-label="On this page">
        <OutlineList entries={entries} />
      </nav>
    </details>
  );
}
