"use client";

import { useId, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { exportResourceConfig, exportWorkflowConfig } from "./actions";

export type ExportTarget = { kind: "resource"; resourceId: string } | { kind: "workflow"; workflowId: string };

/**
 * Export: loads the configuration as JSON (no secret value: each is a placeholder naming it)
 * and shows it, with Download and Copy.
 */
export function ExportConfigButton({ projectId, target, fileName }: { projectId: string; target: ExportTarget; fileName: string }) {
  const [json, setJson] = useState<string>();
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const id = useId();

  function exportNow() {
    startTransition(async () => {
      const result =
        target.kind === "resource"
          ? await exportResourceConfig({ projectId, resourceId: target.resourceId })
          : await exportWorkflowConfig({ projectId, workflowId: target.workflowId });
      if (result.ok) {
        setJson(result.data);
        setError(undefined);
      } else setError(result.formError ?? "Could not export.");
    });
  }

  function download() {
    if (json === undefined) return;
    const url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName;
    link.click();
    URL.revokeObjectURL(url);
  }

  return (
    <div className="space-y-2">
      <div className="flex justify-end">
        <Button variant="secondary" onClick={exportNow} disabled={pending} aria-expanded={json !== undefined} aria-controls={id}>
          {pending ? "Exporting…" : "Export"}
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-600">
          {error}
        </p>
      )}
      {json !== undefined && (
        <section id={id} aria-label={`Exported ${target.kind}`} className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
          <label htmlFor={`${id}-json`} className="block text-sm font-medium text-slate-800">
            Exported configuration
          </label>
          <p className="text-xs text-slate-500">
            The {target.kind}&apos;s configuration without its secrets: import it on another project&apos;s list, or keep it in version
            control.
          </p>
          <textarea
            id={`${id}-json`}
            readOnly
            value={json}
            rows={14}
            className="block w-full rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-xs text-slate-900"
          />
          <div className="flex gap-2">
            <Button onClick={download}>Download</Button>
            <CopyButton value={json} label="Copy the exported configuration" />
            <Button variant="ghost" onClick={() => setJson(undefined)}>
              Close
            </Button>
          </div>
        </section>
      )}
    </div>
  );
}
