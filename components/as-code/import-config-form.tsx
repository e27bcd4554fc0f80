"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import type { ActionResult } from "@/lib/errors";
import { importResourceConfig, importWorkflowConfig } from "./actions";

/**
 * Import: paste an exported document or choose its file; creates a draft and opens it. The
 * document's errors are listed by where they stand in it ("config.oauth.clientId").
 */
export function ImportConfigForm({ projectId, what }: { projectId: string; what: "resource" | "workflow" }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [json, setJson] = useState("");
  const [result, setResult] = useState<Extract<ActionResult<never>, { ok: false }>>();
  const [pending, startTransition] = useTransition();
  const listId = useId();

  async function chooseFile(file: File | undefined) {
    if (file) setJson(await file.text());
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    startTransition(async () => {
      const answer =
        what === "resource" ? await importResourceConfig({ projectId, json }) : await importWorkflowConfig({ projectId, json });
      if (answer.ok) router.push(answer.data.href);
      else setResult(answer);
    });
  }

  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Import
      </Button>
    );
  }
  const jsonError = result?.fieldErrors?.json?.[0];
  const documentErrors = Object.entries(result?.fieldErrors ?? {}).filter(([field]) => field !== "json");
  return (
    <form
      onSubmit={submit}
      noValidate
      className="w-full space-y-3 rounded-lg border border-slate-200 bg-white p-4"
      aria-label={`Import a ${what}`}
    >
      <FormField
        label="Configuration JSON"
        error={jsonError}
        hint={`A ${what} exported from Switchboard. It is imported as a draft; enter its secrets afterwards.`}
      >
        <textarea
          value={json}
          onChange={(event) => setJson(event.target.value)}
          rows={10}
          aria-errormessage={documentErrors.length ? listId : undefined}
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs text-slate-900 aria-invalid:border-red-500"
        />
      </FormField>
      <FormField label="Or choose a file">
        <input
          type="file"
          accept="application/json,.json"
          onChange={(event) => void chooseFile(event.target.files?.[0])}
          className="block text-sm text-slate-700"
        />
      </FormField>
      <FormMessage error={result?.formError} />
      {documentErrors.length > 0 && (
        <div id={listId} role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          <ul className="space-y-1">
            {documentErrors.map(([field, messages]) => (
              <li key={field}>
                <code className="font-mono">{field}</code>: {messages[0]}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Importing…" : `Import ${what}`}
        </Button>
        <Button variant="ghost" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
