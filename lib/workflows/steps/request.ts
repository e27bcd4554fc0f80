import { z } from "zod";
import { stepRetryBaseMs } from "@/lib/config/env";
import { AppError } from "@/lib/errors";
import { parseJsonAnswer } from "@/lib/json";
import { storableJson } from "@/lib/jsonb";
import { TemplateError } from "@/lib/resources/template";
import { type AvailableVariables, jsonPaths, renderJsonBody, renderRequestTemplates } from "../variables";
import {
  defineStep,
  jsonBodyTemplateError,
  type StepAttemptDetails,
  stepKeySchema,
  type StepOutcome,
  type StepResponse,
  templateText,
} from "./module";

// TaskLab Request: one call to a published resource's API (method, path, query, headers, JSON
// body, all templates) through the connection session, with an Idempotency-Key; 5xx, 408, 429
// and network errors are retried with backoff.

export const REQUEST_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
/** A Request step tries this many times in all before it fails (5xx, 408, 429, network errors). */
export const MAX_REQUEST_ATTEMPTS = 5;
/** A Retry-After longer than this is not waited for in full. */
const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;
const MAX_BACKOFF_MS = 5 * 60 * 1000;
/** Response bodies kept in a run's history are cut here. */
export const MAX_STORED_BODY_BYTES = 256 * 1024;

const keyValueRows = z
  .array(z.object({ name: z.string().trim().min(1, { error: "Enter a name." }).max(256), value: templateText(4096) }))
  .max(30, { error: "Use at most 30 rows." });

const schema = z.object({
  key: stepKeySchema,
  type: z.literal("request"),
  resourceId: z.uuid({ error: "Choose a resource." }),
  method: z.enum(REQUEST_METHODS),
  path: templateText(2048).refine((path) => path.startsWith("/"), { error: "Enter a path starting with /, relative to the API Base URL." }),
  query: keyValueRows,
  headers: keyValueRows,
  /** A JSON template: string values may hold {{ variables }}; empty sends no body. */
  body: templateText(65_536),
  /** Retry 5xx, 408, 429 and network errors with backoff (on by default). */
  retries: z.boolean(),
});
export type RequestStep = z.output<typeof schema>;

function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS) : undefined;
}

/** The pause before try number `attempt + 1`: exponential from the base, with jitter, or what Retry-After asked for. */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const exponential = Math.min(MAX_BACKOFF_MS, stepRetryBaseMs() * 2 ** (attempt - 1));
  return Math.round(exponential * (0.5 + Math.random() * 0.5));
}

/**
 * A step's output: status, headers, and the body as JSON when it is JSON. A body over 256 KB is
 * kept as its first 256 KB of text, marked truncated (its fields are then not variables).
 */
export function stepOutput(response: StepResponse): Record<string, unknown> {
  const output = parsedOutput(response);
  // An API may answer with text PostgreSQL cannot store (lib/jsonb.ts): kept with U+FFFD in its place.
  return MAYBE_UNSTORABLE.test(response.body) ? storableJson(output) : output;
}

/** A raw NUL, or a JSON escape of NUL or of a surrogate (lone or not: the output tells). */
const MAYBE_UNSTORABLE = /\u0000|\\u(?:0000|d[89a-f])/i;

function parsedOutput(response: StepResponse): Record<string, unknown> {
  const base = { status: response.status, headers: response.headers };
  if (Buffer.byteLength(response.body) > MAX_STORED_BODY_BYTES) {
    return { ...base, body: Buffer.from(response.body).subarray(0, MAX_STORED_BODY_BYTES).toString(), truncated: true };
  }
  // JSON nested deeper than any input may be is kept as text: what reads it later (variables, pages) stays bounded.
  return { ...base, body: parseJsonAnswer(response.headers["content-type"], response.body) };
}

const RETRYABLE_STATUS = (status: number) => status >= 500 || status === 408 || status === 429;
const RETRYABLE_CODES = new Set(["upstream_unreachable", "token_refresh_failed", "refresh_in_progress"]);

export const requestStep = defineStep({
  type: "request",
  label: "Request",
  schema,
  editorSchema: schema,
  title(step, resourceName) {
    const name = step.resourceId ? resourceName(step.resourceId) : undefined;
    return name ? `${name} Request` : "Request (resource not published)";
  },
  addStep: {
    group: "resources",
    choices: (resources) => resources.map((resource) => ({ label: `${resource.name} Request`, choice: { resourceId: resource.id } })),
  },
  create: (key, { resourceId }: { resourceId: string }): RequestStep => ({
    key,
    type: "request",
    resourceId,
    method: "GET",
    path: "/",
    query: [],
    headers: [],
    body: "",
    retries: true,
  }),
  templates: (step) => [
    ["path", step.path],
    ...step.query.map((row, index): [string, string] => [`query.${index}.value`, row.value]),
    ...step.headers.map((row, index): [string, string] => [`headers.${index}.value`, row.value]),
    ["body", step.body],
  ],
  check(step, context, templateErrors) {
    const errors: Record<string, string> = {};
    if (!context.resources.some((resource) => resource.id === step.resourceId))
      errors.resourceId = "Choose a published resource of this project.";
    const bodyError = templateErrors.body ? undefined : jsonBodyTemplateError(step.body, '{"id": "{{trigger.payload.taskId}}"}');
    if (bodyError) errors.body = bodyError;
    return errors;
  },
  resourceIds: (step) => [step.resourceId],
  variables(step, lastTestOutput): AvailableVariables {
    const base = `steps.${step.key}`;
    const names = [`${base}.status`];
    const openPrefixes: string[] = [];
    const output = lastTestOutput as { headers?: unknown; body?: unknown } | undefined;
    for (const part of ["headers", "body"] as const) {
      if (output?.[part] === undefined) {
        names.push(`${base}.${part}`);
        openPrefixes.push(`${base}.${part}.`);
      } else names.push(...jsonPaths(`${base}.${part}`, output[part]));
    }
    return { names, openPrefixes };
  },
  keyHint: (key) => `Later steps use its outputs as steps.${key || "<key>"}.status, .headers and .body.`,
  summary: (step) => `${step.method} ${step.path}`,
  /**
   * One try, through the connection session: renders the call from the variables, sends it with
   * the Idempotency-Key, and succeeds (< 400), retries (5xx, 408, 429, network errors, while
   * retries are on and tries are left) or fails (other 4xx, a connection to reconnect, a template
   * that does not render, a variable with no value: renderRequestTemplates).
   */
  async run(step, context): Promise<StepOutcome> {
    const started = performance.now();
    const attempt = (details: Omit<StepAttemptDetails, "durationMs">): StepAttemptDetails => ({
      durationMs: Math.round(performance.now() - started),
      ...details,
    });
    const variables = context.variables;
    let call;
    try {
      const { path, query, headers } = renderRequestTemplates(step, variables);
      call = {
        method: step.method,
        path,
        query,
        headers: { ...headers, "idempotency-key": context.idempotencyKey },
        body: renderJsonBody(step.body, variables),
      };
    } catch (error) {
      if (error instanceof TemplateError) return { kind: "fail", error: error.message, attempt: attempt({}) };
      // Permanent: the same run's variables will not gain the value on a retry.
      if (error instanceof AppError && error.code === "missing_variable")
        return { kind: "fail", error: `${error.code}: ${error.message}`, attempt: attempt({}) };
      throw error;
    }
    const session = await context.session(step.resourceId);
    if ("error" in session) return { kind: "fail", error: session.error, attempt: attempt({}) };
    const retryOrFail = (error: string, details: Omit<StepAttemptDetails, "durationMs">, retryAfterMs?: number): StepOutcome =>
      step.retries && context.attempt < MAX_REQUEST_ATTEMPTS
        ? { kind: "retry", at: new Date(context.now() + retryDelayMs(context.attempt, retryAfterMs)), error, attempt: attempt(details) }
        : { kind: "fail", error, ...(details.response ? { output: stepOutput(details.response) } : {}), attempt: attempt(details) };
    try {
      const { request, response } = await session.send(call);
      if (response.status < 400) return { kind: "next", output: stepOutput(response), attempt: attempt({ request, response }) };
      const error = `The API answered ${response.status}.`;
      if (RETRYABLE_STATUS(response.status))
        return retryOrFail(error, { request, response }, parseRetryAfter(response.headers["retry-after"], context.now()));
      return { kind: "fail", error, output: stepOutput(response), attempt: attempt({ request, response }) };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const request = error.failure?.request;
      if (RETRYABLE_CODES.has(error.code)) return retryOrFail(error.message, request ? { request } : {});
      return { kind: "fail", error: `${error.code}: ${error.message}`, attempt: attempt(request ? { request } : {}) };
    }
  },
});
