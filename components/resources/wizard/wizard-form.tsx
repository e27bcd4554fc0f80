"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import type { FieldValues, UseFormReturn } from "react-hook-form";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { Button, buttonClassName } from "@/components/ui/button";
import type { ResourceWizardStep } from "@/lib/resources/schema";
import { saveResourceStep } from "../actions";
import { useForgetAllUnsavedValues, useRememberUnsavedValues } from "./unsaved-values";

export function resourcesHref(projectId: string): string {
  return `/projects/${projectId}/resources`;
}

export function stepHref(projectId: string, resourceId: string, step: ResourceWizardStep): string {
  return `${resourcesHref(projectId)}/${resourceId}/${step}`;
}

/** Saves a step through the one wizard action, then moves on (or back to the list after the last step). */
export function useSaveStep<T extends FieldValues>({
  projectId,
  resourceId,
  step,
  form,
}: {
  projectId: string;
  resourceId: string;
  step: ResourceWizardStep;
  form: UseFormReturn<T, unknown, FieldValues>;
}) {
  const router = useRouter();
  const markSaved = useRememberUnsavedValues(step, form as unknown as UseFormReturn<FieldValues>);
  const forgetAll = useForgetAllUnsavedValues();
  return async (values: FieldValues) => {
    const result = await saveResourceStep({ projectId, resourceId, step, values });
    if (!result.ok) return applyActionErrors(form, result);
    // Saving API Info may start the later steps afresh; values typed for the old kind of resource must not come back.
    if (step === "api-info") forgetAll();
    markSaved();
    router.push(result.data.next ? stepHref(projectId, resourceId, result.data.next) : resourcesHref(projectId));
    router.refresh();
  };
}

export function WizardActions({ backHref, submitLabel, submitting }: { backHref?: string; submitLabel: string; submitting: boolean }) {
  return (
    <div className="flex items-center justify-between border-t border-slate-200 pt-4">
      {backHref ? (
        <Link href={backHref} className={buttonClassName("secondary")}>
          Back
        </Link>
      ) : (
        <span />
      )}
      <Button type="submit" disabled={submitting}>
        {submitting ? "Saving…" : submitLabel}
      </Button>
    </div>
  );
}
