"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useForm, useWatch } from "react-hook-form";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { nameStepSchema, type NameStepInput, resourceSlug } from "@/lib/resources/schema";
import { createResource } from "../actions";
import { useUnsavedValues } from "./unsaved-values";
import { resourcesHref, stepHref, useSaveStep, WizardActions } from "./wizard-form";

/** The Name step: creates the draft (no resourceId yet) or renames it. */
export function NameStepForm({ projectId, resourceId, name }: { projectId: string; resourceId?: string; name: string }) {
  const router = useRouter();
  const form = useForm<NameStepInput>({
    resolver: zodResolver(nameStepSchema),
    defaultValues: useUnsavedValues("name", { name }),
  });
  const save = useSaveStep({ projectId, resourceId: resourceId ?? "", step: "name", form });
  const { errors, isSubmitting } = form.formState;
  const current = useWatch({ control: form.control, name: "name" }).trim();

  async function onSubmit(values: NameStepInput) {
    if (resourceId) return save(values);
    const result = await createResource({ projectId, values });
    if (!result.ok) return applyActionErrors(form, result);
    router.push(stepHref(projectId, result.data.resourceId, "api-info"));
  }

  return (
    <form onSubmit={form.handleSubmit(onSubmit)} className="space-y-6" noValidate>
      <FormMessage error={errors.root?.serverError?.message} />
      <FormField
        label="Resource name"
        error={errors.name?.message}
        hint={current ? `SDK identifier: ${resourceSlug(current)}` : "The name of your API, as your team and your users know it."}
      >
        <Input autoComplete="off" placeholder="TaskLab" {...form.register("name")} />
      </FormField>
      <section aria-label="What this creates" className="rounded-md bg-slate-50 p-4 text-sm">
        <p className="font-medium text-slate-800">In workflows, this resource adds:</p>
        <ul className="mt-2 space-y-1 text-slate-700">
          <li>
            <strong>{current || "Resource"} Request</strong> steps, to call your API for a user
          </li>
          <li>
            <strong>{current || "Resource"} Triggers</strong>, to start workflows from your API&apos;s webhooks
          </li>
        </ul>
      </section>
      <WizardActions backHref={resourceId ? undefined : resourcesHref(projectId)} submitLabel="Continue" submitting={isSubmitting} />
    </form>
  );
}
