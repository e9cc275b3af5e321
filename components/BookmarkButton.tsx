"use client";

import { useState, useTransition } from "react";
import { useHydrated } from "./use-hydrated";

type SaveBookmark = (input: {
  lessonId: string;
  bookmarked: boolean;
}) => Promise<{ ok: true; bookmarked: boolean } | { ok: false; failure: string }>;

/** Saves a lesson for later; shows progress and keeps the old state if saving fails. */
export function BookmarkButton({
  lessonId,
  initial,
  save,
}: {
  lessonId: string;
  initial: boolean;
  save: SaveBookmark;
}) {
  const [bookmarked, setBookmarked] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const hydrated = useHydrated();

  const [announced, setAnnounced] = useState("");
  const busy = pending || !hydrated;

  function onClick() {
    // aria-disabled, not disabled: a disabled button drops keyboard focus to the page.
    if (busy) return;
    setError(null);
    setAnnounced("");
    startTransition(async () => {
      const result = await save({ lessonId, bookmarked: !bookmarked });
      if (result.ok) {
        setBookmarked(result.bookmarked);
        setAnnounced(result.bookmarked ? "Lesson bookmarked" : "Bookmark removed");
      } else setError(result.failure);
    });
  }

  return (
    <span className="bookmark">
      <button
        type="button"
        className="button button-small button-secondary"
        aria-pressed={bookmarked}
        onClick={onClick}
        aria-disabled={busy || undefined}
      >
        {pending ? "Saving…" : bookmarked ? "★ Bookmarked" : "☆ Bookmark"}
      </button>
      <span className="visually-hidden" role="status">
        {announced}
      </span>
      {error ? (
        <span role="alert" className="error-text">
          {error}
        </span>
      ) : null}
    </span>
  );
}
