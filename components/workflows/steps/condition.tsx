"use client";

import { TemplateField } from "@/components/resources/wizard/template-field";
import { FormField } from "@/components/ui/form-field";
import { Select } from "@/components/ui/select";
import { CONDITION_OPERATOR_LABELS, CONDITION_OPERATORS, isUnaryOperator } from "@/lib/workflows/steps/condition";
import { OutputResult, type StepFieldProps, stepField } from "./shared";

// The Condition step's fields (left value, operator, right value) and result (its output, { result });
// its When true and Otherwise lists are the editor's generic step lists (step-fields.tsx).

export function ConditionFields({ control, register, name, step, variables, errorAt }: StepFieldProps) {
  const path = (field: string) => stepField(name, field);
  const unary = isUnaryOperator(step.type === "condition" ? step.operator : undefined);
  return (
    <div className="grid gap-4 sm:grid-cols-[1fr_12rem_1fr]">
      <TemplateField
        control={control}
        name={path("left")}
        label="Left value"
        placeholder="{{steps.get_task.body.status}}"
        variables={variables}
        error={errorAt(path("left"))}
      />
      <FormField
        label="Operator"
        error={errorAt(path("operator"))}
        hint="True runs When true, false Otherwise; with no Otherwise steps, false ends the run (in a Fan Out, the item) as Stopped."
      >
        <Select {...register(path("operator"))}>
          {CONDITION_OPERATORS.map((value) => (
            <option key={value} value={value}>
              {CONDITION_OPERATOR_LABELS[value]}
            </option>
          ))}
        </Select>
      </FormField>
      {unary ? (
        <span />
      ) : (
        <TemplateField
          control={control}
          name={path("right")}
          label="Right value"
          placeholder="done"
          variables={variables}
          error={errorAt(path("right"))}
        />
      )}
    </div>
  );
}

export const ConditionResult = OutputResult;
