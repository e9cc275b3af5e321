"use client";

import { useEffect, useState } from "react";
import { useHydrated } from "./use-hydrated";

type State = "idle" | "copied" | "failed";

/**
 * Copies a code block to the clipboard and says so, for mouse and keyboard users alike. `name` says which block
 * ("Copy <name>"), so a page with ten blocks does not offer ten buttons all called "Copy".
 */
export function CopyButton({ text, name }: { text: string; name: string }) {
  const [state, setState] = useState<State>("idle");
  // Until hydration a click would do nothing; say so by being disabled instead.
  const hydrated = useHydrated();

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    // Before hydration nothing runs anyway; aria-disabled keeps the button focusable and says so.
    if (!hydrated) return;
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState(fallbackCopy(text) ? "copied" : "failed");
    }
  }

  return (
    <>
      <button
        type="button"
        className="copy-button"
        onClick={() => void copy()}
        data-state={state}
        aria-disabled={!hydrated || undefined}
        aria-label={`Copy ${name}`}
      >
        {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : "Copy"}
      </button>
      {/* Outside the button: a button's content is not read as a live region. */}
      <span className="visually-hidden" role="status">
        {state === "copied" ? `Copied ${name}` : state === "failed" ? `Could not copy ${name}` : ""}
      </span>
    </>
  );
}

// The async clipboard API needs a secure context; plain http on a LAN address is not one.
function fallbackCopy(text: string): boolean {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
