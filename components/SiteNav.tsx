"use client";

import { useId, useState } from "react";

/**
 * The header's navigation. On a phone the links fold behind a Menu button, so the header stays one row;
 * on wider screens the button is hidden and the links show as they are.
 */
export function SiteNav({ children }: { children: React.ReactNode }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  return (
    <nav aria-label="Main" className="main-nav" data-open={open}>
      <button
        type="button"
        className="menu-button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        Menu
      </button>
      {/* Following a link (or signing out) closes the menu on the next page. */}
      <div
        id={id}
        className="nav-links"
        onClick={(event) => {
          if ((event.target as HTMLElement).closest("a")) setOpen(false);
        }}
      >
        {children}
      </div>
    </nav>
  );
}
