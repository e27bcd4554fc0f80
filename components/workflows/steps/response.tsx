"use client";

import { TemplateField } from "@/components/resources/wizard/template-field";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { ScrollableText } from "@/components/ui/scrollable-text";
import { ShowMore } from "@/components/ui/show-more";
import { PAGE_JSON_BYTES, type PrettyJson, prettyJson } from "@/lib/json";
import { MAX_RESPONSE_STATUS, MIN_RESPONSE_STATUS } from "@/lib/workflows/steps/response";
import { KeyValueRows } from "./request";
import { HttpStatus, preClassName, type ShownJson, type StepFieldProps, stepField, StepOutput, type StepResultProps } from "./shared";

// The Response step's fields (Status, Headers rows, Body) and result (what the caller was answered).

export function ResponseFields({ control, register, name, variables, errorAt }: StepFieldProps) {
  const path = (field: string) => stepField(name, field);
  return (
    <div className="space-y-4">
      <div className="sm:w-48">
        <FormField label="Status" error={errorAt(path("status"))} hint="The HTTP status the caller gets, e.g. 200 or 201.">
          <Input
            type="number"
            min={MIN_RESPONSE_STATUS}
            max={MAX_RESPONSE_STATUS}
            step={1}
            {...register(path("status"), { valueAsNumber: true })}
          />
        </FormField>
      </div>
      <KeyValueRows
        {...{ control, register, name, variables, errorAt }}
        part="headers"
        legend="Headers"
        rowLabel="Header"
        nameLabel="Header name"
        valueLabel="Header value"
      />
      <TemplateField
        control={control}
        name={path("body")}
        label="Body"
        rows={5}
        placeholder='{ "id": "{{trigger.body.id}}" }'
        variables={variables}
        error={errorAt(path("body"))}
        hint="JSON, answered as application/json; put variables inside strings (a string that is one variable alone takes its JSON value). Leave empty to answer none."
      />
      <p className="text-sm text-slate-600">
        A caller waiting with ?wait=true gets this answer as soon as the step runs; the steps after it go on. A run answers once.
      </p>
    </div>
  );
}

/** What the caller was answered: status, headers and body. */
function Answer({ status, headers, body, shown }: { status: number; headers: [string, string][]; body: PrettyJson; shown: ShownJson }) {
  return (
    <div className="space-y-2">
      <p className="text-sm">
        <span className="font-medium">Answered</span> <HttpStatus status={status} testId="response-step-status" />
      </p>
      <div className="rounded-md border border-slate-200 p-3">
        <p className="text-sm font-medium">Headers answered ({headers.length})</p>
        <ScrollableText label="Headers answered" className={preClassName}>
          {headers.length ? headers.map(([name, value]) => `${name}: ${value}`).join("\n") : <span className="text-slate-500">(none)</span>}
        </ScrollableText>
      </div>
      <div className="rounded-md border border-slate-200 p-3">
        <p className="text-sm font-medium">Body answered</p>
        <ScrollableText label="Body answered" data-testid="response-step-body" className={preClassName}>
          {body.text && body.text !== "null" ? body.text : <span className="text-slate-500">(none)</span>}
        </ScrollableText>
        <ShowMore truncated={body.truncated} shownBytes={shown.bytes} href={shown.moreHref} />
      </div>
    </div>
  );
}

export function ResponseResult(props: StepResultProps) {
  if (props.place === "run") {
    const { output, shown } = props;
    if (output.kind !== "response") return <StepOutput output={output} shown={shown} />;
    return <Answer status={output.status} headers={output.headers} body={output.body} shown={shown} />;
  }
  const answer = props.result.output as { status?: unknown; headers?: unknown; body?: unknown } | undefined;
  if (typeof answer?.status !== "number") return null;
  const headers =
    answer.headers && typeof answer.headers === "object"
      ? Object.entries(answer.headers as Record<string, unknown>).map(([name, value]): [string, string] => [name, String(value)])
      : [];
  return (
    <Answer
      status={answer.status}
      headers={headers}
      body={prettyJson(answer.body ?? null, { maxBytes: PAGE_JSON_BYTES })}
      shown={{ bytes: PAGE_JSON_BYTES }}
    />
  );
}
