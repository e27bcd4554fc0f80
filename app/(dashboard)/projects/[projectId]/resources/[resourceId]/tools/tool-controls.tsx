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

interface ToolControl {
  projectId: string;
  resourceId: string;
  toolId: string;
  /** `GET /tasks/{id}`: names the control for assistive technology. */
  label: string;
}

/** An operation's tool name, editable: Save appears once it is changed. */
export function ToolNameForm({ projectId, resourceId, toolId, label, name }: ToolControl & { name: string }) {
  const router = useRouter();
  const form = useForm<ToolNameInput, unknown, z.output<typeof toolNameSchema>>({
    resolver: zodResolver(toolNameSchema),
    defaultValues: { projectId, resourceId, toolId, name },
  });
  const { errors, isSubmitting, isDirty } = form.formState;
  const nameError = errors.name?.message ?? errors.root?.serverError?.message;

  async function onRename(values: z.output<typeof toolNameSchema>) {
    const result = await renameTool(values);
    if (!result.ok) return applyActionErrors(form, result);
    form.reset({ projectId, resourceId, toolId, name: result.data.name });
    router.refresh();
  }

  return (
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
  );
}

/** An operation's switch: on, it is a tool. Shows the new state at once, and goes back if the action refuses. */
export function ToolSwitch({ projectId, resourceId, toolId, label, enabled }: ToolControl & { enabled: boolean }) {
  const router = useRouter();
  const [switching, startSwitch] = useTransition();
  const [error, setError] = useState<string>();
  const [on, setOn] = useState(enabled);

  function toggle(next: boolean) {
    setError(undefined);
    setOn(next);
    startSwitch(async () => {
      const result = await switchTool({ projectId, resourceId, toolId, enabled: next });
      if (!result.ok) {
        setOn(!next);
        setError(result.fieldErrors?.name?.[0] ?? result.formError ?? "The tool could not be switched.");
      }
      router.refresh();
    });
  }

  return (
    <>
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
      {error && (
        <p role="alert" className="mt-1 max-w-52 text-xs text-red-700">
          {error}
        </p>
      )}
    </>
  );
}
