"use client";

import type { ReactNode } from "react";
import { type Control, get, type UseFormRegister, useFieldArray } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { MenuButton } from "@/components/ui/menu-button";
import { StepResult, type StepResultView } from "@/components/workflows/step-result";
import { type ErrorAt, listControl, STEP_VIEWS, stepField } from "@/components/workflows/steps";
import { newStep, type WorkflowEditorInput, type WorkflowStepInput } from "@/lib/workflows/editor-schema";
import { isStepType, type StepChoice, stepModule } from "@/lib/workflows/steps";

// The editor's steps: a list of step cards (the top level, and each list a step holds — a
// Condition's When true and Otherwise, a Fan Out's Steps for each item), each list with its own
// Add step menu, move and remove. A card holds its type's fields and, under them, its own lists.

/** What every list and card of the tree reads: the form, its values as they stand, and what the page knows. */
export interface StepTreeContext {
  control: Control<WorkflowEditorInput>;
  register: UseFormRegister<WorkflowEditorInput>;
  errorAt: ErrorAt;
  /** The form's values as they stand (watched). */
  values: WorkflowEditorInput;
  /** The top-level steps now, for a key free across the tree. */
  topLevelSteps: () => WorkflowEditorInput["steps"];
  /** The Add step menu's groups, each entry with the step it makes. */
  menu: readonly (readonly { label: string; choice: StepChoice }[])[];
  resourceName: (resourceId: string) => string | undefined;
  /** The variable menu's names by step path. */
  variables: Readonly<Record<string, string[]>>;
  /** Every step's outcome in the last Test (keys are unique across the tree). */
  testResults: readonly StepResultView[] | undefined;
}

/** A held step's values (a list holds any step type: the form's static type stops at the top level). */
function stepAt(values: WorkflowEditorInput, name: string): Partial<WorkflowStepInput> | undefined {
  return get(values, name) as Partial<WorkflowStepInput> | undefined;
}

/** The outcome of the step with this key in the last Test, wherever it stands (a Fan Out's item steps are shown in the Fan Out's result). */
function testResultOf(results: readonly StepResultView[] | undefined, key: string | undefined): StepResultView | undefined {
  return key ? results?.find((result) => result.key === key) : undefined;
}

/**
 * One list of steps at form path `name` ("steps", "steps.2.whenTrue"). Its cards are numbered
 * `<number>.<m>` ("Step 3.1"), or `<n>` at the top level; `offset` continues the numbering after
 * the step's earlier lists, so that every card's name is unique. Inside a Fan Out's steps for
 * each item (`inFanOut`), Add step leaves out the types that may not stand there.
 */
export function StepList({
  context,
  name,
  number,
  offset = 0,
  inFanOut,
  accessibleName,
  empty,
  children,
}: {
  context: StepTreeContext;
  name: string;
  /** The holding step's number ("3", "2.1"); none at the top level. */
  number?: string;
  offset?: number;
  inFanOut: boolean;
  /** The Add step button's name when it is not the only one. */
  accessibleName?: string;
  /** What the list says while it has no steps. */
  empty: ReactNode;
  /** Shown beside the Add step button. */
  children?: ReactNode;
}) {
  const list = useFieldArray({ control: listControl<Partial<WorkflowStepInput>>(context.control), name });
  const menu = context.menu.map((group) =>
    group
      .filter(({ choice }) => !inFanOut || stepModule(choice.type).perItem !== false)
      .map(({ label, choice }) => ({ label, onSelect: () => list.append(newStep(choice, context.topLevelSteps())) })),
  );
  return (
    <>
      {list.fields.length === 0 ? (
        empty
      ) : (
        <ol className="space-y-4">
          {list.fields.map((field, index) => (
            <li key={field.id}>
              <StepCard
                context={context}
                name={`${name}.${index}`}
                number={number ? `${number}.${offset + index + 1}` : String(index + 1)}
                index={index}
                count={list.fields.length}
                inFanOut={inFanOut}
                fallback={field}
                onMove={(to) => list.move(index, to)}
                onRemove={() => list.remove(index)}
              />
            </li>
          ))}
        </ol>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <MenuButton label="Add step" accessibleName={accessibleName} groups={menu} />
        {children}
      </div>
    </>
  );
}

/** One step of the editor, labelled "Step <number>" ("Step 2", "Step 2.1.3"): its key, its type's own fields, its lists, and move / remove. */
function StepCard({
  context,
  name,
  number,
  index,
  count,
  inFanOut,
  fallback,
  onMove,
  onRemove,
}: {
  context: StepTreeContext;
  name: string;
  number: string;
  index: number;
  count: number;
  inFanOut: boolean;
  /** The step as the list's field holds it, until the watched values have it. */
  fallback: Partial<WorkflowStepInput>;
  onMove: (to: number) => void;
  onRemove: () => void;
}) {
  const { control, register, errorAt, values } = context;
  const step = stepAt(values, name) ?? fallback;
  const path = (field: string) => stepField(name, field);
  const stepType = isStepType(step.type) ? stepModule(step.type) : undefined;
  const Fields = isStepType(step.type) ? STEP_VIEWS[step.type].Fields : undefined;
  const title = stepType ? stepType.title(step, context.resourceName) : "Step";
  const testResult = testResultOf(context.testResults, step.key);
  const lists = stepType?.lists ?? [];
  // Each list's cards number on after the earlier lists' ("Step 3.1", "3.2" in When true, "3.3" in Otherwise).
  const offsets = lists.map((_, at) =>
    lists.slice(0, at).reduce((total, held) => total + ((get(values, `${name}.${held.field}`) as unknown[] | undefined)?.length ?? 0), 0),
  );
  return (
    <div role="group" aria-label={`Step ${number}`} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-xs">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <h3 className="text-sm font-semibold">
          <span className="text-slate-500">{number}.</span> {title}
        </h3>
        <div className="flex gap-1">
          <Button variant="ghost" onClick={() => onMove(index - 1)} disabled={index === 0} aria-label={`Move step ${number} up`}>
            Up
          </Button>
          <Button variant="ghost" onClick={() => onMove(index + 1)} disabled={index === count - 1} aria-label={`Move step ${number} down`}>
            Down
          </Button>
          <Button variant="ghost" onClick={onRemove} aria-label={`Remove step ${number}`}>
            Remove
          </Button>
        </div>
      </div>
      {errorAt(path("resourceId")) && <p className="text-sm text-red-600">{errorAt(path("resourceId"))}</p>}
      <div className="sm:w-72">
        <FormField label="Step key" error={errorAt(path("key"))} hint={stepType?.keyHint?.(step.key ?? "")}>
          <Input autoComplete="off" spellCheck={false} className="font-mono" {...register(path("key"))} />
        </FormField>
      </div>
      {Fields && (
        <Fields control={control} register={register} name={name} step={step} variables={context.variables[name] ?? []} errorAt={errorAt} />
      )}
      {testResult && <StepResult step={testResult} />}
      {lists.map((held, at) => {
        const listName = `${name}.${held.field}`;
        return (
          <div key={listName} role="group" aria-label={held.label} className="space-y-3 rounded-md border-l-4 border-indigo-100 py-1 pl-4">
            <p className="text-sm font-semibold text-slate-800">{held.label}</p>
            {errorAt(listName) && <p className="text-sm text-red-600">{errorAt(listName)}</p>}
            <StepList
              key={listName}
              context={context}
              name={listName}
              number={number}
              offset={offsets[at]}
              inFanOut={inFanOut || held.perItem === true}
              accessibleName={`Add step to ${held.label} of Step ${number}`}
              empty={<p className="text-sm text-slate-600">No steps.</p>}
            />
          </div>
        );
      })}
    </div>
  );
}
