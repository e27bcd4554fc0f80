"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { ScrollableText } from "@/components/ui/scrollable-text";
import { Select } from "@/components/ui/select";
import { ShowMore } from "@/components/ui/show-more";
import type { ApiResponseView } from "@/lib/connections/request";
import { boundedText, PAGE_JSON_BYTES, type PrettyJson, prettyJson } from "@/lib/json";
import { headerLinesSchema } from "@/lib/resources/header-lines";
import { sendConsoleRequest } from "./actions";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

const consoleFormSchema = z.object({
  userId: z.string(),
  method: z.enum(METHODS),
  path: z.string().trim().min(1, { error: "Enter a path, such as /me." }).max(4096, { error: "Use at most 4096 characters." }),
  headers: headerLinesSchema,
  body: z.string().max(1024 * 1024, { error: "Send at most 1 MB." }),
});
type ConsoleFormInput = z.input<typeof consoleFormSchema>;
type ConsoleFormOutput = z.output<typeof consoleFormSchema>;

const textareaClassName =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs text-slate-900 shadow-xs placeholder:text-slate-400 focus:border-indigo-500 focus:outline-2 focus:outline-indigo-200 aria-invalid:border-red-500";

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The request the API is sent: no body when the Body is blank; a body that is not JSON goes
 * as text/plain unless the headers name a Content-Type (the request API defaults to JSON).
 */
function toApiRequest({ method, path, headers, body }: ConsoleFormOutput) {
  const sendsBody = body.trim() !== "";
  const namesContentType = Object.keys(headers).some((name) => name.toLowerCase() === "content-type");
  const allHeaders =
    sendsBody && !namesContentType && !isJson(body) ? { ...headers, "Content-Type": "text/plain; charset=utf-8" } : headers;
  return {
    method,
    path,
    headers: Object.keys(allHeaders).length ? allHeaders : undefined,
    body: sendsBody ? body : undefined,
  };
}

/** The response body as text, at most PAGE_JSON_BYTES of it: JSON indented, text as it came. */
function showBody(body: unknown): PrettyJson {
  return typeof body === "string" ? boundedText(body, { maxBytes: PAGE_JSON_BYTES }) : prettyJson(body, { maxBytes: PAGE_JSON_BYTES });
}

function statusClassName(status: number): string {
  if (status < 300) return "bg-emerald-50 text-emerald-700";
  if (status < 400) return "bg-sky-50 text-sky-700";
  if (status < 500) return "bg-amber-50 text-amber-800";
  return "bg-red-50 text-red-700";
}

/**
 * Sends requests through a published resource: with a Connected User's credentials when
 * `users` is given (a User-Level resource: pick one of them), else with the app's.
 */
export function RequestConsole({
  projectId,
  resourceId,
  users,
  defaultPath = "/",
}: {
  projectId: string;
  resourceId: string;
  /** The user ids to choose from, for a User-Level resource; leave out for an App-Level one. */
  users?: readonly string[];
  defaultPath?: string;
}) {
  const form = useForm<ConsoleFormInput, unknown, ConsoleFormOutput>({
    resolver: zodResolver(consoleFormSchema),
    defaultValues: { userId: users?.[0] ?? "", method: "GET", path: defaultPath, headers: "", body: "" },
  });
  const { errors } = form.formState;
  const send = useMutation({
    mutationFn: async (values: ConsoleFormOutput): Promise<ApiResponseView> => {
      const result = await sendConsoleRequest({
        projectId,
        resourceId,
        userId: users ? values.userId : undefined,
        request: toApiRequest(values),
      });
      if (!result.ok) {
        throw new Error(result.formError ?? Object.values(result.fieldErrors ?? {})[0]?.[0] ?? "The request could not be sent.");
      }
      return result.data;
    },
  });
  const response = send.data;
  const noUsers = users !== undefined && users.length === 0;

  return (
    <div className="space-y-4">
      <form onSubmit={form.handleSubmit((values) => send.mutate(values))} className="space-y-4" noValidate>
        {users && (
          <FormField
            label="Connected user"
            error={errors.userId?.message}
            hint={noUsers ? "No user has connected to this resource yet." : "The request uses this user's credentials."}
          >
            <Select disabled={noUsers} {...form.register("userId")}>
              {users.map((userId) => (
                <option key={userId} value={userId}>
                  {userId}
                </option>
              ))}
            </Select>
          </FormField>
        )}
        <div className="flex items-start gap-3">
          <div className="w-32">
            <FormField label="Method" error={errors.method?.message}>
              <Select {...form.register("method")}>
                {METHODS.map((method) => (
                  <option key={method}>{method}</option>
                ))}
              </Select>
            </FormField>
          </div>
          <div className="flex-1">
            <FormField label="Path" error={errors.path?.message} hint="Under the resource's API Base URL, such as /me?limit=10.">
              <Input spellCheck={false} autoComplete="off" className="font-mono" {...form.register("path")} />
            </FormField>
          </div>
        </div>
        <FormField
          label="Headers"
          error={errors.headers?.message}
          hint="One Name: value a line. The resource adds its authentication headers itself."
        >
          <textarea
            rows={3}
            spellCheck={false}
            placeholder="Accept: application/json"
            className={textareaClassName}
            {...form.register("headers")}
          />
        </FormField>
        <FormField
          label="Body"
          error={errors.body?.message}
          hint="JSON, sent as application/json, or text, sent as text/plain unless a Content-Type header says otherwise. Leave empty to send none."
        >
          <textarea rows={5} spellCheck={false} placeholder='{ "title": "…" }' className={textareaClassName} {...form.register("body")} />
        </FormField>
        <Button type="submit" disabled={send.isPending || noUsers}>
          {send.isPending ? "Sending…" : "Send request"}
        </Button>
      </form>

      <FormMessage error={send.error?.message} />
      {response && <ConsoleResponse response={response} />}
    </div>
  );
}

function ConsoleResponse({ response }: { response: ApiResponseView }) {
  const { text: body, truncated } = showBody(response.body);
  const headers = Object.entries(response.headers);
  return (
    <section aria-label="Response" className="space-y-3">
      <p className="text-sm">
        <span className="text-slate-600">Status</span>{" "}
        <span data-testid="console-status" className={`rounded px-2 py-0.5 font-mono font-semibold ${statusClassName(response.status)}`}>
          {response.status}
        </span>
      </p>
      <details className="rounded-md border border-slate-200 bg-white p-3">
        <summary className="cursor-pointer text-sm font-medium">Response headers ({headers.length})</summary>
        <ScrollableText label="Headers received" className="mt-2 overflow-x-auto font-mono text-xs whitespace-pre-wrap">
          {headers.map(([name, value]) => `${name}: ${value}`).join("\n")}
        </ScrollableText>
      </details>
      <div className="rounded-md border border-slate-200 bg-white p-3">
        <div className="flex items-center justify-between gap-2">
          <p className="text-sm font-medium">
            Response body{response.truncated && <span className="ml-2 text-xs text-amber-700">(cut off at 1 MB)</span>}
          </p>
          {body && <CopyButton value={body} label="Copy response body" />}
        </div>
        <ScrollableText
          label="Body received"
          data-testid="console-response-body"
          className="mt-2 max-h-96 overflow-auto font-mono text-xs whitespace-pre-wrap"
        >
          {body || <span className="text-slate-500">(empty)</span>}
        </ScrollableText>
        <ShowMore truncated={truncated} shownBytes={PAGE_JSON_BYTES} />
      </div>
    </section>
  );
}
