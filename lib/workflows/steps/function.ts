import { z } from "zod";
import { AppError } from "@/lib/errors";
import { storableJson } from "@/lib/jsonb";
import { TemplateError } from "@/lib/resources/template";
import type { FunctionError, JsonValue } from "../function-sandbox";
import { type AvailableVariables, jsonPaths, renderJsonBody, type RunContext } from "../variables";
import { defineStep, stepKeySchema, templateText } from "./module";

// Function: the team's JavaScript `function run(parameters)` in the QuickJS sandbox
// (lib/workflows/function-sandbox.ts). Its named Parameters are templates; its JSON result is
// `steps.<key>.result` and its console lines `steps.<key>.logs`. A failure is never retried:
// the same code on the same parameters fails the same way.

/** The code a new Function step starts with. */
export const DEFAULT_FUNCTION_CODE = "function run(parameters) {\n  return parameters;\n}";
export const MAX_FUNCTION_CODE_BYTES = 64 * 1024;
export const MAX_FUNCTION_PARAMETERS = 20;

const parameterRows = z
  .array(
    z.object({
      name: z
        .string()
        .trim()
        .regex(/^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/, { error: "Use a JavaScript name: letters, digits, _ or $, not starting with a digit." }),
      value: templateText(4096),
    }),
  )
  .max(MAX_FUNCTION_PARAMETERS, { error: `Use at most ${MAX_FUNCTION_PARAMETERS} parameters.` })
  .superRefine((rows, context) => {
    const seen = new Set<string>();
    rows.forEach((row, index) => {
      if (seen.has(row.name))
        context.addIssue({ code: "custom", path: [index, "name"], message: `Another parameter is named ${row.name}.` });
      seen.add(row.name);
    });
  });

const schema = z.object({
  key: stepKeySchema,
  type: z.literal("function"),
  parameters: parameterRows,
  code: z
    .string()
    .refine((code) => Buffer.byteLength(code) <= MAX_FUNCTION_CODE_BYTES, { error: "Use at most 64 KB of code." })
    .refine((code) => /\bfunction\s+run\s*\(|\brun\s*=/.test(code), {
      error: "Define a function named run, e.g. function run(parameters) { … }.",
    }),
});
export type FunctionStep = z.output<typeof schema>;

/**
 * The parameters as the function gets them: a value that is one variable alone keeps its JSON
 * value (a number stays a number, an object an object; missing is null), any other is rendered text.
 */
export function renderFunctionParameters(step: Pick<FunctionStep, "parameters">, context: RunContext): Record<string, JsonValue> {
  // A JSON body of one string per parameter: renderJsonBody's rule for a variable alone.
  const body = JSON.stringify(Object.fromEntries(step.parameters.map((row) => [row.name, row.value])));
  return JSON.parse(renderJsonBody(body, context) ?? "{}") as Record<string, JsonValue>;
}

/** A sandbox error as a step's: "function_threw: Error: boom (line 3)". */
export function functionErrorText(error: FunctionError): string {
  return `${error.code}: ${error.message}${error.line === undefined ? "" : ` (line ${error.line})`}`;
}

export const functionStep = defineStep({
  type: "function",
  label: "Function",
  schema,
  editorSchema: schema,
  title: () => "Function",
  addStep: { group: "steps", choices: () => [{ label: "Function", choice: {} }] },
  create: (key): FunctionStep => ({ key, type: "function", parameters: [], code: DEFAULT_FUNCTION_CODE }),
  templates: (step) => step.parameters.map((row, index): [string, string] => [`parameters.${index}.value`, row.value]),
  variables(step, lastTestOutput): AvailableVariables {
    const base = `steps.${step.key}.result`;
    const output = lastTestOutput as { result?: unknown } | undefined;
    if (output?.result === undefined) return { names: [base], openPrefixes: [`${base}.`] };
    return { names: jsonPaths(base, output.result), openPrefixes: [] };
  },
  keyHint: (key) => `Later steps use its result as steps.${key || "<key>"}.result.`,
  summary: (step) => `Function (${step.parameters.length} parameter${step.parameters.length === 1 ? "" : "s"})`,
  /** One run of the code on the rendered parameters; a failure fails the step (never retried). */
  async run(step, context) {
    let parameters: Record<string, JsonValue>;
    try {
      parameters = renderFunctionParameters(step, context.variables);
    } catch (error) {
      if (error instanceof TemplateError) return { kind: "fail", error: error.message };
      if (error instanceof AppError) return { kind: "fail", error: `${error.code}: ${error.message}` };
      throw error;
    }
    // Loaded here, not at the top: the editor's client components import this module (the
    // registry), and the sandbox's WebAssembly engine has no place in the browser bundle.
    const { runFunction } = await import("../function-sandbox");
    const outcome = await runFunction({ code: step.code, parameters });
    // The code may return or log text PostgreSQL cannot store (lib/jsonb.ts): kept with U+FFFD in its place.
    if (!outcome.ok)
      return { kind: "fail", error: functionErrorText(outcome.error), output: storableJson({ parameters, logs: outcome.logs }) };
    return { kind: "next", output: storableJson({ parameters, result: outcome.result, logs: outcome.logs }) };
  },
});
