"use client";

import { TemplateField } from "@/components/resources/wizard/template-field";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { describeItemCounts } from "@/lib/workflows/run-view";
import { MAX_FAN_OUT_CONCURRENCY, ON_ITEM_FAILURE, ON_ITEM_FAILURE_LABELS } from "@/lib/workflows/steps/fan-out";
import { type FanOutItemResultView, TestStepStatus } from "../step-result";
import { type StepFieldProps, stepField, StepOutput, type StepResultProps } from "./shared";

// The Fan Out step's fields (Items, Concurrency, On item failure) and result (in a Test, how many
// items succeeded and failed, and its first items and their steps; on the run page, its output). Its Steps for each item
// are the editor's generic step list (step-fields.tsx).

export function FanOutFields({ control, register, name, variables, errorAt }: StepFieldProps) {
  const path = (field: string) => stepField(name, field);
  return (
    <div className="space-y-4">
      <TemplateField
        control={control}
        name={path("items")}
        label="Items"
        placeholder="{{steps.list_tasks.body.tasks}}"
        variables={variables}
        error={errorAt(path("items"))}
        hint="One variable holding an array. The steps for each item read it as {{fanout.item}} and its index (from 0) as {{fanout.index}}."
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField
          label="Concurrency"
          error={errorAt(path("concurrency"))}
          hint={`How many items run at once (1 to ${MAX_FAN_OUT_CONCURRENCY}).`}
        >
          <Input type="number" min={1} max={MAX_FAN_OUT_CONCURRENCY} step={1} {...register(path("concurrency"), { valueAsNumber: true })} />
        </FormField>
        <FormField
          label="On item failure"
          error={errorAt(path("onItemFailure"))}
          hint="Continue and report: a failed item's entry in items is { error }."
        >
          <Select {...register(path("onItemFailure"))}>
            {ON_ITEM_FAILURE.map((value) => (
              <option key={value} value={value}>
                {ON_ITEM_FAILURE_LABELS[value]}
              </option>
            ))}
          </Select>
        </FormField>
      </div>
    </div>
  );
}

/** "3 succeeded, 1 failed" from a Fan Out's output, when it has ended. */
function counts(output: unknown): string | undefined {
  const { succeeded, failed } = (output ?? {}) as { succeeded?: unknown; failed?: unknown };
  return typeof succeeded === "number" && typeof failed === "number" ? describeItemCounts({ succeeded, failed }) : undefined;
}

function TestItems({ items }: { items: readonly FanOutItemResultView[] }) {
  return (
    <ol aria-label="Items tested" className="space-y-2">
      {items.map((item) => (
        <li key={item.index} className="rounded-md border border-slate-200 bg-white p-3">
          <p className="flex flex-wrap items-center gap-2 text-sm">
            <span className="font-medium">Item {item.index}</span>
            <TestStepStatus status={item.status} />
          </p>
          <ul className="mt-2 space-y-1 text-xs">
            {item.steps.map((step) => (
              <li key={step.key} className="flex flex-wrap items-center gap-2">
                <code className="font-mono">{step.key}</code>
                <TestStepStatus status={step.status} />
                {step.response && <span className="font-mono text-slate-600">{step.response.status}</span>}
                {step.error && <span className="text-red-700">{step.error}</span>}
                {!step.error && step.note && <span className="text-slate-600">{step.note}</span>}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ol>
  );
}

export function FanOutResult(props: StepResultProps) {
  // The run page shows a Fan Out's counts and items from its items' rows, live (components/workflows/run-step.tsx).
  if (props.place === "run") return <StepOutput output={props.output} shown={props.shown} />;
  const summary = counts(props.result.output);
  const items = props.result.items ?? [];
  return (
    <>
      {summary && (
        <p className="text-sm font-medium" data-testid="fan-out-counts">
          {summary}
        </p>
      )}
      {items.length > 0 && <TestItems items={items} />}
    </>
  );
}
