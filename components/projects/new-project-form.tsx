"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { createProjectSchema, type CreateProjectInput } from "@/lib/projects/schema";
import { createProject } from "./actions";

export function NewProjectForm() {
  const router = useRouter();
  const form = useForm<CreateProjectInput, unknown, z.output<typeof createProjectSchema>>({
    resolver: zodResolver(createProjectSchema),
    defaultValues: { name: "" },
  });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: z.output<typeof createProjectSchema>) {
    const result = await createProject(values);
    if (!result.ok) return applyActionErrors(form, result);
    router.push(`/projects/${result.data.projectId}/resources`);
  }

  return (
    <form onSubmit={form.handleSubmit(onSubmit)} className="space-y-4" noValidate>
      <FormMessage error={errors.root?.serverError?.message} />
      <FormField label="Project name" error={errors.name?.message}>
        <Input autoComplete="off" {...form.register("name")} />
      </FormField>
      <Button type="submit" disabled={isSubmitting}>
        {isSubmitting ? "Creating…" : "Create project"}
      </Button>
    </form>
  );
}
