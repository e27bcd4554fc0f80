"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { Button, buttonClassName } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { workflowNameSchema } from "@/lib/workflows/definition";
import { createWorkflow } from "../actions";

const createWorkflowSchema = z.object({ name: workflowNameSchema });
type CreateWorkflowInput = z.input<typeof createWorkflowSchema>;

/** Create Workflow: a name, then the editor of the new draft. */
export function CreateWorkflowForm({ projectId }: { projectId: string }) {
  const router = useRouter();
  const form = useForm<CreateWorkflowInput>({ resolver: zodResolver(createWorkflowSchema), defaultValues: { name: "" } });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: CreateWorkflowInput) {
    const result = await createWorkflow({ projectId, name: values.name });
    if (!result.ok) return applyActionErrors(form, result);
    router.push(`/projects/${projectId}/workflows/${result.data.workflowId}`);
  }

  return (
    <form onSubmit={form.handleSubmit(onSubmit)} className="space-y-6" noValidate>
      <FormMessage error={errors.root?.serverError?.message} />
      <FormField label="Name" error={errors.name?.message} hint="What the workflow does, as your team will look for it, e.g. Sync tasks.">
        <Input autoComplete="off" placeholder="Sync tasks" {...form.register("name")} />
      </FormField>
      <div className="flex items-center justify-between border-t border-slate-200 pt-4">
        <Link href={`/projects/${projectId}/workflows`} className={buttonClassName("secondary")}>
          Cancel
        </Link>
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Creating…" : "Create"}
        </Button>
      </div>
    </form>
  );
}
