"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { Button } from "@/components/ui/button";
import { type ToolNameInput, toolNameSchema } from "@/lib/tools/schema";
import { renameTool, switchTool } from "./actions";

export interface ToolRowView {
  id: string;
  method: string;
  path: string;
  summary: string;
  name: string;
  enabled: boolean;
}

/** One operation: its method, path and summary, its tool name (editable) and its switch. */
export function ToolRow({ projectId, resourceId, tool }: { projectId: string; resourceId: string; tool: ToolRowView }) {
  const router = useRouter();
  const [switching, startSwitch] = useTransition();
  const [switchError, setSwitchError] = useState<string>();
  // Shown at once; put back when the action refuses (the row is drawn afresh from the server after).
  const [on, setOn] = useState(tool.enabled);
  const form = useForm<ToolNameInput, unknown, z.output<typeof toolNameSchema>>({
    resolver: zodResolver(toolNameSchema),
    defaultValues: { projectId, resourceId, toolId: tool.id, name: tool.name },
  });
  const { errors, isSubmitting, isDirty } = form.formState;
  const nameError = errors.name?.message ?? errors.root?.serverError?.message;

  function toggle(enabled: boolean) {
    setSwitchError(undefined);
    setOn(enabled);
    startSwitch(async () => {
      const result = await switchTool({ projectId, resourceId, toolId: tool.id, enabled });
      if (!result.ok) {
        setOn(!enabled);
        setSwitchError(result.fieldErrors?.name?.[0] ?? result.formError ?? "The tool could not be switched.");
      }
      router.refresh();
    });
  }

  async function onRename(values: z.output<typeof toolNameSchema>) {
    const result = await renameTool(values);
    if (!result.ok) return applyActionErrors(form, result);
    form.reset({ projectId, resourceId, toolId: tool.id, name: result.data.name });
    router.refresh();
  }

  const label = `${tool.method} ${tool.path}`;
  return (
    <tr>
      <td className="px-4 py-2 align-top">
        <code className="font-mono text-xs font-semibold">{tool.method}</code>
      </td>
      <td className="max-w-64 px-4 py-2 align-top">
        <code className="block break-all font-mono text-xs">{tool.path}</code>
      </td>
      <td className="max-w-64 px-4 py-2 align-top text-slate-700">{tool.summary || <span className="text-slate-500">—</span>}</td>
      <td className="px-4 py-2 align-top">
        <form onSubmit={form.handleSubmit(onRename)} noValidate className="flex items-start gap-2">
          <div>
            <input
              aria-label={`Tool name of ${label}`}
              aria-invalid={nameError ? true : undefined}
              className="w-52 rounded-md border border-slate-300 bg-white px-2 py-1 font-mono text-xs aria-invalid:border-red-500"
              {...form.register("name")}
            />
            {nameError && (
              <p role="alert" className="mt-1 max-w-52 text-xs text-red-700">
                {nameError}
              </p>
            )}
          </div>
          {isDirty && (
            <Button type="submit" variant="secondary" disabled={isSubmitting} className="px-2 py-1 text-xs">
              Save
            </Button>
          )}
        </form>
      </td>
      <td className="px-4 py-2 align-top">
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            role="switch"
            aria-label={`Tool ${label}`}
            checked={on}
            disabled={switching}
            onChange={(event) => toggle(event.target.checked)}
            className="size-4 rounded border-slate-300 accent-indigo-600"
          />
          <span className="text-slate-700">{on ? "On" : "Off"}</span>
        </label>
        {switchError && (
          <p role="alert" className="mt-1 max-w-52 text-xs text-red-700">
            {switchError}
          </p>
        )}
      </td>
    </tr>
  );
}
