"use client";

import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { StepResult, type StepResultView } from "@/components/workflows/step-result";
import { STEP_VIEWS, type StepFieldProps } from "@/components/workflows/steps";
import type { WorkflowStepInput } from "@/lib/workflows/editor-schema";
import { isStepType, stepModule } from "@/lib/workflows/steps";

/** One step of the editor, labelled "Step <n>": its key, its type's own fields, and move / remove. */
export function StepCard({
  step,
  count,
  resourceName,
  onMove,
  onRemove,
  testResult,
  ...props
}: Omit<StepFieldProps, "step"> & {
  step: Partial<WorkflowStepInput>;
  /** This step's outcome in the last Test, shown under its fields. */
  testResult?: StepResultView;
  count: number;
  resourceName: (resourceId: string) => string | undefined;
  onMove: (to: number) => void;
  onRemove: () => void;
}) {
  const { index, register, errorAt } = props;
  const position = index + 1;
  const path = (field: string) => `steps.${index}.${field}`;
  const stepType = isStepType(step.type) ? stepModule(step.type) : undefined;
  const Fields = isStepType(step.type) ? STEP_VIEWS[step.type].Fields : undefined;
  const title = stepType ? stepType.title(step, resourceName) : "Step";
  return (
    <div role="group" aria-label={`Step ${position}`} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-xs">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <h3 className="text-sm font-semibold">
          <span className="text-slate-500">{position}.</span> {title}
        </h3>
        <div className="flex gap-1">
          <Button variant="ghost" onClick={() => onMove(index - 1)} disabled={index === 0} aria-label={`Move step ${position} up`}>
            Up
          </Button>
          <Button variant="ghost" onClick={() => onMove(index + 1)} disabled={index === count - 1} aria-label={`Move step ${position} down`}>
            Down
          </Button>
          <Button variant="ghost" onClick={onRemove} aria-label={`Remove step ${position}`}>
            Remove
          </Button>
        </div>
      </div>
      {errorAt(path("resourceId")) && <p className="text-sm text-red-600">{errorAt(path("resourceId"))}</p>}
      <div className="sm:w-72">
        <FormField label="Step key" error={errorAt(path("key"))} hint={stepType?.keyHint?.(step.key ?? "")}>
          <Input autoComplete="off" spellCheck={false} className="font-mono" {...register(`steps.${index}.key`)} />
        </FormField>
      </div>
      {Fields && <Fields {...props} step={step} />}
      {testResult && <StepResult step={testResult} />}
    </div>
  );
}
