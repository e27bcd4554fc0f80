import { z } from "zod";
import { AppError } from "@/lib/errors";
import { TemplateError } from "@/lib/resources/template";
import { renderJsonBody, renderWorkflowTemplate } from "../variables";
import { defineStep, jsonBodyTemplateError, NO_VARIABLES, type RunAnswer, stepKeySchema, templateText } from "./module";

// Response: what a Request trigger's caller waiting with `?wait=true` is answered (status,
// header rows, JSON body, all but the status templates), as soon as the step runs; the run goes
// on with the steps after it. A run answers once: a second Response fails.

export const MIN_RESPONSE_STATUS = 200;
export const MAX_RESPONSE_STATUS = 599;
/** Statuses an answer may not carry a body with (HTTP says so; the Response constructor refuses one). */
const NO_BODY_STATUSES = new Set([204, 205, 304]);

export const ANSWERED_ALREADY = "This run has answered already: a run runs at most one Response step.";
export const RESPONSE_NEEDS_REQUEST_TRIGGER =
  "A Response step answers a Request trigger's caller: it stands only in a workflow with the Request trigger.";

/**
 * Headers an answer may not set: the connection's framing (the server sets those), the body's
 * type (it is always JSON), cookies (they would be Switchboard's origin's), and CORS (the route's).
 */
const REFUSED_HEADERS = new Set([
  "connection",
  "content-encoding",
  "content-length",
  "content-type",
  "host",
  "keep-alive",
  "proxy-connection",
  "set-cookie",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "vary",
]);

/** Why a header name may not be answered, or undefined when it may. */
export function refusedHeaderReason(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower === "content-type") return "The body is always sent as JSON (Content-Type: application/json).";
  if (lower.startsWith("access-control-") || lower === "vary") return `${name} is set by Switchboard for the project's Allowed Origins.`;
  if (lower === "set-cookie") return "A Response cannot set cookies: they would be Switchboard's.";
  if (REFUSED_HEADERS.has(lower)) return `${name} is set by the server for the connection.`;
  return undefined;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What an HTTP header value may hold: tab, visible ASCII and space, Latin-1 (no line breaks). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

const headerRows = z
  .array(
    z.object({
      name: z
        .string()
        .trim()
        .min(1, { error: "Enter a name." })
        .max(256)
        .regex(HEADER_NAME, { error: "Use a header name: letters, digits and - (e.g. X-Task-Id)." })
        .superRefine((name, context) => {
          const reason = refusedHeaderReason(name);
          if (reason) context.addIssue({ code: "custom", message: reason });
        }),
      value: templateText(4096),
    }),
  )
  .max(30, { error: "Use at most 30 rows." })
  .superRefine((rows, context) => {
    const seen = new Set<string>();
    rows.forEach((row, index) => {
      const lower = row.name.toLowerCase();
      if (seen.has(lower)) context.addIssue({ code: "custom", path: [index, "name"], message: `Another header is named ${row.name}.` });
      seen.add(lower);
    });
  });

const schema = z.object({
  key: stepKeySchema,
  type: z.literal("response"),
  status: z
    .number({ error: "Enter a status, e.g. 200." })
    .int({ error: "Enter a whole number." })
    .min(MIN_RESPONSE_STATUS, { error: `Use a status from ${MIN_RESPONSE_STATUS} to ${MAX_RESPONSE_STATUS}.` })
    .max(MAX_RESPONSE_STATUS, { error: `Use a status from ${MIN_RESPONSE_STATUS} to ${MAX_RESPONSE_STATUS}.` }),
  headers: headerRows,
  /** A JSON template: string values may hold {{ variables }}; empty answers no body. */
  body: templateText(65_536),
});
export type ResponseStep = z.output<typeof schema>;

/** The answer a Response step gives: its header rows and body rendered (a body that renders to nothing answers none: null). */
export function renderAnswer(step: ResponseStep, variables: Parameters<typeof renderJsonBody>[1]): RunAnswer {
  const headers: Record<string, string> = {};
  for (const row of step.headers) headers[row.name] = renderWorkflowTemplate(row.value, variables);
  const body = renderJsonBody(step.body, variables);
  return { status: step.status, headers, body: body === undefined ? null : JSON.parse(body) };
}

export const responseStep = defineStep({
  type: "response",
  label: "Response",
  perItem: false,
  schema,
  editorSchema: schema,
  title: () => "Response",
  addStep: { group: "steps", choices: () => [{ label: "Response", choice: {} }] },
  create: (key): ResponseStep => ({ key, type: "response", status: 200, headers: [], body: "" }),
  templates: (step) => [...step.headers.map((row, index): [string, string] => [`headers.${index}.value`, row.value]), ["body", step.body]],
  check(step, context, templateErrors) {
    const errors: Record<string, string> = {};
    if (context.trigger?.kind !== "request") errors.type = RESPONSE_NEEDS_REQUEST_TRIGGER;
    if (step.body.trim() && !templateErrors.body) {
      const bodyError = NO_BODY_STATUSES.has(step.status)
        ? `A ${step.status} answer has no body: leave Body empty.`
        : jsonBodyTemplateError(step.body, '{"id": "{{trigger.body.id}}"}');
      if (bodyError) errors.body = bodyError;
    }
    return errors;
  },
  variables: () => NO_VARIABLES,
  summary: (step) => `Answer ${step.status}`,
  /** Renders the answer and gives it to the run's caller; fails when the run has answered already. */
  async run(step, context) {
    let answer: RunAnswer;
    try {
      answer = renderAnswer(step, context.variables);
    } catch (error) {
      if (error instanceof TemplateError) return { kind: "fail", error: error.message };
      if (error instanceof AppError) return { kind: "fail", error: `${error.code}: ${error.message}` };
      throw error;
    }
    const unsendable = Object.entries(answer.headers).find(([, value]) => !HEADER_VALUE.test(value));
    if (unsendable)
      return { kind: "fail", error: `Header ${unsendable[0]} cannot be sent: its value holds a line break or a character beyond Latin-1.` };
    if (!(await context.respond(answer))) return { kind: "fail", error: ANSWERED_ALREADY, output: { ...answer } };
    return { kind: "next", output: { ...answer } };
  },
});
