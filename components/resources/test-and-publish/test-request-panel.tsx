"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { ScrollableText } from "@/components/ui/scrollable-text";
import { Select } from "@/components/ui/select";
import { ShowMore } from "@/components/ui/show-more";
import type { TestRequestOutcome } from "@/lib/connections/test-and-publish";
import { PAGE_JSON_BYTES, prettyBody } from "@/lib/json";
import { sendTestRequest } from "../actions";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

const ERROR_HINTS: Record<NonNullable<TestRequestOutcome["error"]>["kind"], string> = {
  configuration: "Check the resource's configuration and the test credentials.",
  token_endpoint: "Check the Access Token URL, Client ID, Client Secret and the test credentials.",
  network: "Check the API Base URL, and that the API is reachable from the Switchboard server.",
  api: "Check the credentials: the API did not accept them.",
};

/** A body as the panel shows it: at most PAGE_JSON_BYTES, JSON indented. */
function shownBody(body: string) {
  return prettyBody(body, { maxBytes: PAGE_JSON_BYTES });
}

export function TestRequestPanel({ projectId, resourceId, defaultPath }: { projectId: string; resourceId: string; defaultPath: string }) {
  const router = useRouter();
  const [method, setMethod] = useState<(typeof METHODS)[number]>("GET");
  const [path, setPath] = useState(defaultPath);
  const send = useMutation({
    mutationFn: async () => {
      const result = await sendTestRequest({ projectId, resourceId, method, path });
      if (!result.ok)
        throw new Error(result.formError ?? Object.values(result.fieldErrors ?? {})[0]?.[0] ?? "The test request could not be sent.");
      return result.data;
    },
    onSettled: () => router.refresh(),
  });
  const outcome = send.data;
  const responseBody = outcome?.response && shownBody(outcome.response.body);

  return (
    <div className="space-y-4">
      <form
        className="flex items-end gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          send.mutate();
        }}
      >
        <div className="w-32">
          <FormField label="Method">
            <Select value={method} onChange={(event) => setMethod(event.target.value as (typeof METHODS)[number])}>
              {METHODS.map((value) => (
                <option key={value}>{value}</option>
              ))}
            </Select>
          </FormField>
        </div>
        <div className="flex-1">
          <FormField label="Path">
            <Input value={path} onChange={(event) => setPath(event.target.value)} spellCheck={false} className="font-mono" />
          </FormField>
        </div>
        <Button type="submit" disabled={send.isPending}>
          {send.isPending ? "Sending…" : "Send test request"}
        </Button>
      </form>
      <FormMessage error={send.error?.message} />

      {outcome && (
        <section aria-label="Test result" className="space-y-3">
          {outcome.error ? (
            <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
              <p className="font-medium">{outcome.error.message}</p>
              <p className="mt-1 text-red-700">{ERROR_HINTS[outcome.error.kind]}</p>
              {outcome.error.body && (
                <ScrollableText
                  label="Error body received"
                  className="mt-2 max-h-48 overflow-auto rounded bg-white/60 p-2 font-mono text-xs"
                >
                  {shownBody(outcome.error.body).text}
                </ScrollableText>
              )}
            </div>
          ) : (
            outcome.response && (
              <p className="text-sm">
                <span
                  data-testid="test-status"
                  className={`rounded px-2 py-0.5 font-mono font-semibold ${
                    outcome.response.status < 300 ? "bg-emerald-50 text-emerald-700" : "bg-amber-50 text-amber-800"
                  }`}
                >
                  {outcome.response.status} {outcome.response.statusText}
                </span>{" "}
                <span className="text-slate-600">in {outcome.response.durationMs} ms</span>
                {outcome.response.status === 401 && (
                  <span className="ml-2 text-amber-800">
                    The API refused the credentials: check API Authentication and the test credentials.
                  </span>
                )}
              </p>
            )
          )}
          {outcome.request && (
            <details open className="rounded-md border border-slate-200 bg-white p-3">
              <summary className="cursor-pointer text-sm font-medium">Request sent</summary>
              <ScrollableText
                label="Request sent"
                data-testid="test-request"
                className="mt-2 overflow-x-auto font-mono text-xs whitespace-pre-wrap"
              >
                {`${outcome.request.method} ${outcome.request.url}\n${outcome.request.headers.map(([name, value]) => `${name}: ${value}`).join("\n")}`}
              </ScrollableText>
            </details>
          )}
          {outcome.response && (
            <>
              <details className="rounded-md border border-slate-200 bg-white p-3">
                <summary className="cursor-pointer text-sm font-medium">Response headers</summary>
                <ScrollableText label="Headers received" className="mt-2 overflow-x-auto font-mono text-xs whitespace-pre-wrap">
                  {Object.entries(outcome.response.headers)
                    .map(([name, value]) => `${name}: ${value}`)
                    .join("\n")}
                </ScrollableText>
              </details>
              <div className="rounded-md border border-slate-200 bg-white p-3">
                <p className="text-sm font-medium">
                  Response body{outcome.response.truncated && <span className="ml-2 text-xs text-amber-700">(cut off at 1 MB)</span>}
                </p>
                <ScrollableText
                  label="Body received"
                  data-testid="test-response-body"
                  className="mt-2 max-h-96 overflow-auto font-mono text-xs whitespace-pre-wrap"
                >
                  {responseBody?.text}
                </ScrollableText>
                <ShowMore truncated={responseBody?.truncated ?? false} shownBytes={PAGE_JSON_BYTES} />
              </div>
            </>
          )}
        </section>
      )}
    </div>
  );
}
