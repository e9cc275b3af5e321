"use client";

import { useEffect, useState } from "react";
import { useHydrated } from "./use-hydrated";

type State = "idle" | "copied" | "failed";

/** Copies a code block to the clipboard and says so, for mouse and keyboard users alike. */
export function CopyButton({ text }: { text: string }) {
  const [state, setState] = useState<State>("idle");
  // Until hydration a click would do nothing; say so by being disabled instead.
  const hydrated = useHydrated();

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState(fallbackCopy(text) ? "copied" : "failed");
    }
  }

  return (
    <button type="button" className="copy-button" onClick={() => void copy()} data-state={state} disabled={!hydrated}>
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : "Copy"}</span>
    </button>
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
