"use client";

import { useState } from "react";
import { Button } from "./button";

/**
 * A button that copies `value`. Its name is `label` ("Copy curl snippet"), followed by what it
 * shows once clicked ("Copy curl snippet: Copied"), so the name always holds its visible text.
 */
export function CopyButton({ value, label = "Copy" }: { value: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
    setTimeout(() => setState("idle"), 2000);
  }
  const text = state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : "Copy";
  return (
    <Button variant="secondary" onClick={copy} aria-label={state === "idle" ? label : `${label}: ${text}`}>
      <span aria-live="polite">{text}</span>
    </Button>
  );
}
