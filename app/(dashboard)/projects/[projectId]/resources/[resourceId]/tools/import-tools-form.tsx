"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { type ImportToolsInput, importToolsSchema } from "@/lib/tools/schema";
import { importTools } from "./actions";

/** Paste an OpenAPI 3.0/3.1 document (JSON or YAML) or choose its file: its operations replace the list below. */
export function ImportToolsForm({ projectId, resourceId, hasTools }: { projectId: string; resourceId: string; hasTools: boolean }) {
  const router = useRouter();
  const form = useForm<ImportToolsInput, unknown, z.output<typeof importToolsSchema>>({
    resolver: zodResolver(importToolsSchema),
    defaultValues: { projectId, resourceId, document: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const [imported, setImported] = useState<string>();

  async function chooseFile(file: File | undefined) {
    if (file) form.setValue("document", await file.text(), { shouldValidate: true });
  }

  async function onSubmit(values: z.output<typeof importToolsSchema>) {
    setImported(undefined);
    const result = await importTools(values);
    if (!result.ok) return applyActionErrors(form, result);
    const { added, kept, removed } = result.data;
    setImported(`Imported: ${added} new operations, ${kept} kept as they were, ${removed} removed.`);
    form.reset({ projectId, resourceId, document: "" });
    router.refresh();
  }

  return (
    <form onSubmit={form.handleSubmit(onSubmit)} noValidate className="space-y-3" aria-label="Import an OpenAPI document">
      <FormMessage error={errors.root?.serverError?.message} success={imported} />
      <FormField
        label="OpenAPI document"
        error={errors.document?.message}
        hint={`OpenAPI 3.0 or 3.1, JSON or YAML, at most 5 MB. Its servers must be under this resource's API Base URL.${hasTools ? " Importing again replaces the operations: those still in the document keep their name and switch." : ""}`}
      >
        <textarea
          rows={10}
          spellCheck={false}
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs text-slate-900 aria-invalid:border-red-500"
          {...form.register("document")}
        />
      </FormField>
      <FormField label="Or choose a file">
        <input
          type="file"
          accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
          onChange={(event) => void chooseFile(event.target.files?.[0])}
          className="block text-sm text-slate-700"
        />
      </FormField>
      <Button type="submit" disabled={isSubmitting}>
        {isSubmitting ? "Importing…" : "Import"}
      </Button>
    </form>
  );
}
