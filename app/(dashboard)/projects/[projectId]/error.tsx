"use client";

import { Button } from "@/components/ui/button";

/**
 * What a project page shows when rendering it failed: an apology, the reference the server
 * logged the error under (Next's `digest`) and Try again. Never the error's message or stack:
 * they can hold what the reader must not see, and the reference is enough to find the log line.
 */
export default function ProjectError({ error, retry }: { error: unknown; retry: () => void }) {
  const reference = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : undefined;
  return (
    <div role="alert" className="max-w-xl rounded-lg border border-red-200 bg-white p-6">
      <h1 className="text-lg font-semibold">Something went wrong</h1>
      <p className="mt-1 text-sm text-slate-600">
        This page could not be shown. Try again; if it keeps failing, tell us the reference below.
      </p>
      {reference && (
        <p className="mt-3 text-sm text-slate-600">
          Reference: <code className="font-mono">{reference}</code>
        </p>
      )}
      <Button className="mt-4" onClick={retry}>
        Try again
      </Button>
    </div>
  );
}
