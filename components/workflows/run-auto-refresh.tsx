"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * While runs are queued or running, re-renders the page every `intervalMs` so the user
 * watches them finish; says so in `note`.
 */
export function RunAutoRefresh({ intervalMs = 2000, note }: { intervalMs?: number; note: string }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => {
      // A hidden tab does not need fresh data; it catches up on the next tick once shown.
      if (document.visibilityState === "visible") router.refresh();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [router, intervalMs]);
  return <p className="text-xs text-slate-600">{note}</p>;
}
