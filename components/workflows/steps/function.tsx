"use client";

import { useFieldArray } from "react-hook-form";
import { TemplateField } from "@/components/resources/wizard/template-field";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { ScrollableText } from "@/components/ui/scrollable-text";
import { ShowMore } from "@/components/ui/show-more";
import { PAGE_JSON_BYTES, prettyJson } from "@/lib/json";
import { MAX_FUNCTION_PARAMETERS } from "@/lib/workflows/steps/function";
import { listControl, preClassName, type StepFieldProps, stepField, StepOutput, type StepResultProps } from "./shared";

// The Function step's fields (Parameters rows, Code) and result (the parameters as sent, the
// result and the console lines).

export function FunctionFields({ control, register, name, variables, errorAt }: StepFieldProps) {
  const rows = useFieldArray({ control: listControl<{ name: string; value: string }>(control), name: `${name}.parameters` });
  const path = (field: string) => stepField(name, field);
  return (
    <div className="space-y-4">
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Parameters</legend>
        {errorAt(path("parameters")) && <p className="text-sm text-red-600">{errorAt(path("parameters"))}</p>}
        {rows.fields.map((field, row) => (
          <div key={field.id} role="group" aria-label={`Parameter ${row + 1}`} className="flex items-start gap-3">
            <div className="w-56">
              <FormField label="Parameter name" error={errorAt(path(`parameters.${row}.name`))}>
                <Input autoComplete="off" spellCheck={false} {...register(path(`parameters.${row}.name`))} />
              </FormField>
            </div>
            <div className="flex-1">
              <TemplateField
                control={control}
                name={path(`parameters.${row}.value`)}
                label="Parameter value"
                variables={variables}
                error={errorAt(path(`parameters.${row}.value`))}
              />
            </div>
            <Button variant="ghost" className="mt-6" onClick={() => rows.remove(row)} aria-label={`Remove parameter ${row + 1}`}>
              Remove
            </Button>
          </div>
        ))}
        {rows.fields.length < MAX_FUNCTION_PARAMETERS && (
          <Button variant="secondary" onClick={() => rows.append({ name: "", value: "" })}>
            Add parameter
          </Button>
        )}
        <p className="text-xs text-slate-500">
          run gets them as parameters.&lt;name&gt;; a value that is one variable alone keeps its JSON value.
        </p>
      </fieldset>
      <FormField
        label="Code"
        error={errorAt(path("code"))}
        hint="JavaScript defining function run(parameters); what it returns (JSON) is steps.<key>.result. No network, files or timers; console.log is captured."
      >
        <textarea
          rows={10}
          spellCheck={false}
          autoComplete="off"
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs text-slate-900 shadow-xs focus:border-indigo-500 focus:outline-2 focus:outline-indigo-200 aria-invalid:border-red-500"
          {...register(path("code"))}
        />
      </FormField>
    </div>
  );
}

function JsonBlock({ title, label, value }: { title: string; label: string; value: unknown }) {
  const shown = prettyJson(value, { maxBytes: PAGE_JSON_BYTES });
  return (
    <div className="rounded-md border border-slate-200 p-3">
      <p className="text-sm font-medium">{title}</p>
      <ScrollableText label={label} className={preClassName}>
        {shown.text || <span className="text-slate-500">(none)</span>}
      </ScrollableText>
      <ShowMore truncated={shown.truncated} shownBytes={PAGE_JSON_BYTES} />
    </div>
  );
}

export function FunctionResult(props: StepResultProps) {
  if (props.place === "run") return <StepOutput output={props.output} shown={props.shown} />;
  const output = props.result.output as { parameters?: unknown; result?: unknown; logs?: unknown } | undefined;
  if (!output) return null;
  const logs = Array.isArray(output.logs) ? output.logs.map(String) : [];
  return (
    <>
      {output.parameters !== undefined && <JsonBlock title="Parameters sent" label="Parameters sent" value={output.parameters} />}
      {"result" in output && <JsonBlock title="Result" label="Function result" value={output.result} />}
      <div className="rounded-md border border-slate-200 p-3">
        <p className="text-sm font-medium">Console ({logs.length})</p>
        <ScrollableText label="Console lines" className={preClassName}>
          {logs.length ? logs.join("\n") : <span className="text-slate-500">(nothing logged)</span>}
        </ScrollableText>
      </div>
    </>
  );
}
