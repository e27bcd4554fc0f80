"use client";

import { useFieldArray } from "react-hook-form";
import { TemplateField } from "@/components/resources/wizard/template-field";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { ScrollableText } from "@/components/ui/scrollable-text";
import { Select } from "@/components/ui/select";
import { ShowMore } from "@/components/ui/show-more";
import { PAGE_JSON_BYTES, prettyBody } from "@/lib/json";
import { REQUEST_METHODS } from "@/lib/workflows/steps/request";
import type { StepResultView } from "../step-result";
import { listControl, type StepFieldProps, stepField, StepOutput, type StepResultProps } from "./shared";

// The Request step's fields (method, path, query and header rows, body, retries) and result (the
// response; in a Test also the request as sent).

export function RequestFields({ control, register, name, variables, errorAt }: StepFieldProps) {
  const path = (field: string) => stepField(name, field);
  return (
    <div className="space-y-4">
      <div className="flex items-start gap-3">
        <div className="w-32">
          <FormField label="Method" error={errorAt(path("method"))}>
            <Select {...register(path("method"))}>
              {REQUEST_METHODS.map((method) => (
                <option key={method}>{method}</option>
              ))}
            </Select>
          </FormField>
        </div>
        <div className="flex-1">
          <TemplateField
            control={control}
            name={path("path")}
            label="Path"
            placeholder="/tasks/{{trigger.payload.taskId}}"
            variables={variables}
            error={errorAt(path("path"))}
            hint="Under the resource's API Base URL. Type {{ to insert a variable."
          />
        </div>
      </div>
      <KeyValueRows
        {...{ control, register, name, variables, errorAt }}
        part="query"
        legend="Query"
        rowLabel="Query parameter"
        nameLabel="Parameter name"
        valueLabel="Parameter value"
      />
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
        placeholder='{ "title": "{{trigger.payload.title}}" }'
        variables={variables}
        error={errorAt(path("body"))}
        hint="JSON, sent as application/json; put variables inside strings (a string that is one variable alone takes its JSON value). Leave empty to send none."
      />
      <Checkbox
        label="Retry failed requests"
        hint="Retries 5xx, 408, 429 (after Retry-After) and network errors with backoff, up to 5 attempts; other 4xx fail at once."
        {...register(path("retries"))}
      />
    </div>
  );
}

export function KeyValueRows({
  control,
  register,
  name,
  variables,
  errorAt,
  part,
  legend,
  rowLabel,
  nameLabel,
  valueLabel,
}: Omit<StepFieldProps, "step"> & { part: "query" | "headers"; legend: string; rowLabel: string; nameLabel: string; valueLabel: string }) {
  const rows = useFieldArray({ control: listControl<{ name: string; value: string }>(control), name: `${name}.${part}` });
  const path = (field: string) => stepField(name, `${part}${field ? `.${field}` : ""}`);
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      {errorAt(path("")) && <p className="text-sm text-red-600">{errorAt(path(""))}</p>}
      {rows.fields.map((field, row) => (
        <div key={field.id} role="group" aria-label={`${rowLabel} ${row + 1}`} className="flex items-start gap-3">
          <div className="w-56">
            <FormField label={nameLabel} error={errorAt(path(`${row}.name`))}>
              <Input autoComplete="off" spellCheck={false} {...register(path(`${row}.name`))} />
            </FormField>
          </div>
          <div className="flex-1">
            <TemplateField
              control={control}
              name={path(`${row}.value`)}
              label={valueLabel}
              variables={variables}
              error={errorAt(path(`${row}.value`))}
            />
          </div>
          <Button
            variant="ghost"
            className="mt-6"
            onClick={() => rows.remove(row)}
            aria-label={`Remove ${rowLabel.toLowerCase()} ${row + 1}`}
          >
            Remove
          </Button>
        </div>
      ))}
      <Button variant="secondary" onClick={() => rows.append({ name: "", value: "" })}>
        Add {rowLabel.toLowerCase()}
      </Button>
    </fieldset>
  );
}

/** A body as a Test shows it: at most PAGE_JSON_BYTES, JSON indented, anything else as it came. */
function shownBody(body: string) {
  return prettyBody(body, { maxBytes: PAGE_JSON_BYTES });
}

/** What a Test sent and received: the request (open) and the response's headers and body. */
function TestExchange({ result }: { result: StepResultView }) {
  const headers = result.response ? Object.entries(result.response.headers) : [];
  const requestBody = result.request?.body ? shownBody(result.request.body) : undefined;
  const responseBody = result.response?.body ? shownBody(result.response.body) : undefined;
  return (
    <>
      {result.request && (
        <details open className="rounded-md border border-slate-200 p-3">
          <summary className="cursor-pointer text-sm font-medium">Request sent</summary>
          <ScrollableText
            label="Request sent"
            data-testid="step-request"
            className="mt-2 overflow-x-auto font-mono text-xs whitespace-pre-wrap"
          >
            {[
              `${result.request.method} ${result.request.url}`,
              ...result.request.headers.map(([name, value]) => `${name}: ${value}`),
              ...(requestBody ? ["", requestBody.text] : []),
            ].join("\n")}
          </ScrollableText>
          <ShowMore truncated={requestBody?.truncated ?? false} shownBytes={PAGE_JSON_BYTES} />
        </details>
      )}
      {result.response && (
        <>
          <details className="rounded-md border border-slate-200 p-3">
            <summary className="cursor-pointer text-sm font-medium">Response headers ({headers.length})</summary>
            <ScrollableText label="Headers received" className="mt-2 overflow-x-auto font-mono text-xs whitespace-pre-wrap">
              {headers.map(([name, value]) => `${name}: ${value}`).join("\n")}
            </ScrollableText>
          </details>
          <div className="rounded-md border border-slate-200 p-3">
            <p className="text-sm font-medium">Response body</p>
            <ScrollableText
              label="Body received"
              data-testid="step-response-body"
              className="mt-2 max-h-96 overflow-auto font-mono text-xs whitespace-pre-wrap"
            >
              {responseBody ? responseBody.text : <span className="text-slate-500">(empty)</span>}
            </ScrollableText>
            <ShowMore truncated={responseBody?.truncated ?? false} shownBytes={PAGE_JSON_BYTES} />
          </div>
        </>
      )}
    </>
  );
}

export function RequestResult(props: StepResultProps) {
  return props.place === "run" ? <StepOutput output={props.output} shown={props.shown} /> : <TestExchange result={props.result} />;
}
