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
import { Input } from "@/components/ui/input";
import { renameProjectSchema, type RenameProjectInput } from "@/lib/projects/schema";
import { renameProject } from "./actions";

export function ProjectNameForm({ projectId, name }: { projectId: string; name: string }) {
  const router = useRouter();
  const form = useForm<RenameProjectInput, unknown, z.output<typeof renameProjectSchema>>({
    resolver: zodResolver(renameProjectSchema),
    defaultValues: { projectId, name },
  });
  const { errors, isSubmitting } = form.formState;
  const [saved, setSaved] = useState(false);

  async function onSubmit(values: z.output<typeof renameProjectSchema>) {
    setSaved(false);
    const result = await renameProject(values);
    if (!result.ok) return applyActionErrors(form, result);
    form.reset({ projectId, name: result.data.name });
    setSaved(true);
    router.refresh();
  }

  return (
    <form onSubmit={form.handleSubmit(onSubmit)} className="space-y-3" noValidate>
      <FormMessage error={errors.root?.serverError?.message} success={saved ? "Saved." : undefined} />
      <FormField label="Project name" error={errors.name?.message}>
        <Input autoComplete="off" {...form.register("name")} />
      </FormField>
      <Button type="submit" disabled={isSubmitting}>
        {isSubmitting ? "Saving…" : "Save"}
      </Button>
    </form>
  );
}
