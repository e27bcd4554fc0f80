"use client";

import { type Control, type FieldArrayPath, type UseFormRegister, useFieldArray } from "react-hook-form";
import { TemplateField } from "@/components/resources/wizard/template-field";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { StepResult, type StepResultView } from "@/components/workflows/step-result";
import { CONDITION_OPERATOR_LABELS, CONDITION_OPERATORS, MAX_DELAY_SECONDS, REQUEST_METHODS } from "@/lib/workflows/definition";
import type { WorkflowEditorInput, WorkflowStepInput } from "@/lib/workflows/editor-schema";

type ErrorAt = (path: string) => string | undefined;

interface StepFieldProps {
  control: Control<WorkflowEditorInput>;
  register: UseFormRegister<WorkflowEditorInput>;
  index: number;
  variables: readonly string[];
  errorAt: ErrorAt;
}

function stepTitle(step: Partial<WorkflowStepInput>, resourceName: (resourceId: string) => string | undefined): string {
  switch (step.type) {
    case "request": {
      const name = step.resourceId ? resourceName(step.resourceId) : undefined;
      return name ? `${name} Request` : "Request (resource not published)";
    }
    case "condition":
      return "Condition";
    case "delay":
      return "Delay";
    default:
      return "Step";
  }
}

/** One step of the editor, labelled "Step <n>": its key, its own fields, and move / remove. */
export function StepCard({
  step,
  count,
  resourceName,
  onMove,
  onRemove,
  testResult,
  ...props
}: StepFieldProps & {
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
  const title = stepTitle(step, resourceName);
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
        <FormField
          label="Step key"
          error={errorAt(path("key"))}
          hint={step.type === "request" ? `Later steps use its outputs as steps.${step.key || "<key>"}.status, .headers and .body.` : undefined}
        >
          <Input autoComplete="off" spellCheck={false} className="font-mono" {...register(`steps.${index}.key`)} />
        </FormField>
      </div>
      {step.type === "request" && <RequestStepFields {...props} />}
      {step.type === "condition" && <ConditionStepFields {...props} operator={step.operator} />}
      {step.type === "delay" && (
        <div className="sm:w-48">
          <FormField label="Seconds" error={errorAt(path("seconds"))} hint="A run waits this long, durably (at most 30 days). Test does not wait.">
            <Input type="number" min={1} max={MAX_DELAY_SECONDS} step={1} {...register(`steps.${index}.seconds`, { valueAsNumber: true })} />
          </FormField>
        </div>
      )}
      {testResult && <StepResult step={testResult} />}
    </div>
  );
}

function RequestStepFields({ control, register, index, variables, errorAt }: StepFieldProps) {
  const path = (field: string) => `steps.${index}.${field}`;
  return (
    <div className="space-y-4">
      <div className="flex items-start gap-3">
        <div className="w-32">
          <FormField label="Method" error={errorAt(path("method"))}>
            <Select {...register(`steps.${index}.method`)}>
              {REQUEST_METHODS.map((method) => (
                <option key={method}>{method}</option>
              ))}
            </Select>
          </FormField>
        </div>
        <div className="flex-1">
          <TemplateField
            control={control}
            name={`steps.${index}.path`}
            label="Path"
            placeholder="/tasks/{{trigger.payload.taskId}}"
            variables={variables}
            error={errorAt(path("path"))}
            hint="Under the resource's API Base URL. Type {{ to insert a variable."
          />
        </div>
      </div>
      <KeyValueRows {...{ control, register, index, variables, errorAt }} part="query" legend="Query" rowLabel="Query parameter" nameLabel="Parameter name" valueLabel="Parameter value" />
      <KeyValueRows {...{ control, register, index, variables, errorAt }} part="headers" legend="Headers" rowLabel="Header" nameLabel="Header name" valueLabel="Header value" />
      <TemplateField
        control={control}
        name={`steps.${index}.body`}
        label="Body"
        rows={5}
        placeholder='{ "title": "{{trigger.payload.title}}" }'
        variables={variables}
        error={errorAt(path("body"))}
        hint="JSON, sent as application/json; put variables inside strings (a string that is one variable alone takes its JSON value). Leave empty to send none."
      />
      <Checkbox
        label="Retry failed requests"
        hint="Retries 5xx, 408, 429 (after Retry-After) and network errors with backoff, up to 5 attempts; other 4xx fail at once."
        {...register(`steps.${index}.retries`)}
      />
    </div>
  );
}

function KeyValueRows({
  control,
  register,
  index,
  variables,
  errorAt,
  part,
  legend,
  rowLabel,
  nameLabel,
  valueLabel,
}: StepFieldProps & { part: "query" | "headers"; legend: string; rowLabel: string; nameLabel: string; valueLabel: string }) {
  const rows = useFieldArray({ control, name: `steps.${index}.${part}` as FieldArrayPath<WorkflowEditorInput> });
  const path = (field: string) => `steps.${index}.${part}${field ? `.${field}` : ""}`;
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      {errorAt(path("")) && <p className="text-sm text-red-600">{errorAt(path(""))}</p>}
      {rows.fields.map((field, row) => (
        <div key={field.id} role="group" aria-label={`${rowLabel} ${row + 1}`} className="flex items-start gap-3">
          <div className="w-56">
            <FormField label={nameLabel} error={errorAt(path(`${row}.name`))}>
              <Input autoComplete="off" spellCheck={false} {...register(`steps.${index}.${part}.${row}.name`)} />
            </FormField>
          </div>
          <div className="flex-1">
            <TemplateField
              control={control}
              name={`steps.${index}.${part}.${row}.value`}
              label={valueLabel}
              variables={variables}
              error={errorAt(path(`${row}.value`))}
            />
          </div>
          <Button variant="ghost" className="mt-6" onClick={() => rows.remove(row)} aria-label={`Remove ${rowLabel.toLowerCase()} ${row + 1}`}>
            Remove
          </Button>
        </div>
      ))}
      <Button variant="secondary" onClick={() => rows.append({ name: "", value: "" } as never)}>
        Add {rowLabel.toLowerCase()}
      </Button>
    </fieldset>
  );
}

function ConditionStepFields({ control, register, index, variables, errorAt, operator }: StepFieldProps & { operator: string | undefined }) {
  const path = (field: string) => `steps.${index}.${field}`;
  const unary = operator === "is_empty" || operator === "is_not_empty";
  return (
    <div className="grid gap-4 sm:grid-cols-[1fr_12rem_1fr]">
      <TemplateField
        control={control}
        name={`steps.${index}.left`}
        label="Left value"
        placeholder="{{steps.get_task.body.status}}"
        variables={variables}
        error={errorAt(path("left"))}
      />
      <FormField label="Operator" error={errorAt(path("operator"))} hint="False ends the run as Stopped.">
        <Select {...register(`steps.${index}.operator`)}>
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
        <TemplateField control={control} name={`steps.${index}.right`} label="Right value" placeholder="done" variables={variables} error={errorAt(path("right"))} />
      )}
    </div>
  );
}
