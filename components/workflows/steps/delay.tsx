"use client";

import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { MAX_DELAY_SECONDS } from "@/lib/workflows/steps/delay";
import { OutputResult, type StepFieldProps, stepField } from "./shared";

// The Delay step's field (seconds) and result (its output, { waitedSeconds }).

export function DelayFields({ register, name, errorAt }: StepFieldProps) {
  return (
    <div className="sm:w-48">
      <FormField
        label="Seconds"
        error={errorAt(stepField(name, "seconds"))}
        hint="A run waits this long, durably (at most 30 days). Test does not wait."
      >
        <Input type="number" min={1} max={MAX_DELAY_SECONDS} step={1} {...register(stepField(name, "seconds"), { valueAsNumber: true })} />
      </FormField>
    </div>
  );
}

export const DelayResult = OutputResult;
