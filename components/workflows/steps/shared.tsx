import type { ComponentType } from "react";
import type { Control, Path, UseFormRegister } from "react-hook-form";
import { ScrollableText } from "@/components/ui/scrollable-text";
import { ShowMore } from "@/components/ui/show-more";
import type { WorkflowEditorInput, WorkflowStepInput } from "@/lib/workflows/editor-schema";
import { httpStatusTone, type StepOutputView } from "@/lib/workflows/run-view";
import type { StepResultView } from "../step-result";

// What every step type's fields component and result view take, and the pieces they share.

/** A field's error by path ("steps.0.path", "steps.1.whenTrue.0.path"), if any. */
export type ErrorAt = (path: string) => string | undefined;

/** What a step type's fields component gets: the editor's form, the step's form path and values, and the variables it may use. */
export interface StepFieldProps {
  control: Control<WorkflowEditorInput>;
  register: UseFormRegister<WorkflowEditorInput>;
  /** The step's path in the form (and in save errors): "steps.1", "steps.1.whenTrue.0". */
  name: string;
  step: Partial<WorkflowStepInput>;
  variables: readonly string[];
  errorAt: ErrorAt;
}

/**
 * A field of the step at `name` as the form names it ("steps.1.whenTrue.0.path"). Typed by hand:
 * a held step's fields are not in the form's static type (a list holds any step type).
 */
export function stepField(name: string, field: string): Path<WorkflowEditorInput> {
  return `${name}.${field}` as Path<WorkflowEditorInput>;
}

/**
 * The form's control as a list field's useFieldArray takes it: the lists of a held step are not in
 * the form's static type, so a list is addressed by its path (`stepField`) with its rows' own type.
 */
export function listControl<Row extends object>(control: Control<WorkflowEditorInput>): Control<Record<string, Row[]>> {
  return control as unknown as Control<Record<string, Row[]>>;
}

/** How much of each JSON value the page prints (bytes), and the link that prints more, if it may. */
export interface ShownJson {
  bytes: number;
  moreHref?: string;
}

/**
 * What a step type's result view gets: on the run page, the step's stored output; under the step
 * in the editor, its outcome in the last Test (status, note and error are shown around it).
 */
export type StepResultProps = { place: "run"; output: StepOutputView; shown: ShownJson } | { place: "test"; result: StepResultView };

/** A step type's UI: its fields in the editor, and how its result reads. */
export interface StepView {
  Fields: ComponentType<StepFieldProps>;
  Result: ComponentType<StepResultProps>;
}

const TONE_CLASSES = {
  success: "bg-emerald-50 text-emerald-800",
  redirect: "bg-sky-50 text-sky-800",
  "client-error": "bg-amber-50 text-amber-800",
  "server-error": "bg-red-50 text-red-700",
} as const;

export function HttpStatus({ status, testId }: { status: number; testId?: string }) {
  return (
    <span data-testid={testId} className={`rounded px-2 py-0.5 font-mono text-xs font-semibold ${TONE_CLASSES[httpStatusTone(status)]}`}>
      {status}
    </span>
  );
}

export const preClassName = "mt-2 max-h-96 overflow-auto rounded bg-slate-50 p-2 font-mono text-xs whitespace-pre-wrap break-all";

/** A stored output as the run page shows it: a response (status, headers, body) or any value as JSON. */
export function StepOutput({ output, shown }: { output: StepOutputView; shown: ShownJson }) {
  if (output.kind === "value") {
    return (
      <div>
        <p className="text-sm font-medium">Output</p>
        <ScrollableText label="Step output" className={preClassName}>
          {output.json.text}
        </ScrollableText>
        <ShowMore truncated={output.json.truncated} shownBytes={shown.bytes} href={shown.moreHref} />
      </div>
    );
  }
  return (
    <div className="space-y-2">
      <p className="text-sm">
        <span className="font-medium">Response</span> <HttpStatus status={output.status} testId="run-step-response-status" />
      </p>
      <details className="rounded-md border border-slate-200 p-3">
        <summary className="cursor-pointer text-sm font-medium">Response headers ({output.headers.length})</summary>
        <ScrollableText label="Headers received" className={preClassName}>
          {output.headers.map(([name, value]) => `${name}: ${value}`).join("\n")}
        </ScrollableText>
      </details>
      <div className="rounded-md border border-slate-200 p-3">
        <p className="text-sm font-medium">
          Response body
          {output.truncated && (
            <span className="ml-2 text-xs font-normal text-amber-800">(truncated at {Math.round(output.capBytes / 1024)} KB)</span>
          )}
        </p>
        <ScrollableText label="Body received" data-testid="run-step-response-body" className={preClassName}>
          {output.body.text || <span className="text-slate-500">(empty)</span>}
        </ScrollableText>
        <ShowMore truncated={output.body.truncated} shownBytes={shown.bytes} href={shown.moreHref} />
      </div>
    </div>
  );
}

/** A result view that shows a run's output and adds nothing to a Test's status and note. */
export function OutputResult(props: StepResultProps) {
  return props.place === "run" ? <StepOutput output={props.output} shown={props.shown} /> : null;
}
