import { z } from "zod";
import type { StoredWorkflowTool } from "@/db/workflow-definition";
import { isPlainObject, JSON_TOO_DEEP_MESSAGE, jsonNestsDeeperThan } from "@/lib/json";
import { TOOL_NAME_PATTERN } from "@/lib/tools/names";

// Expose as a tool (Agents): a Request-triggered workflow's Tool name, Description and Input
// schema, kept in its trigger (the draft; agents see the deployed version's). One schema for the
// editor's form, the save action and an as-code import; the input schema is the editor's JSON
// text or (stored, imported) the object itself. Whether it compiles as a JSON Schema is checked
// on the server at save (lib/tools/workflow-tool-checks.ts), with the name's uniqueness.

/** The tool that answers how a workflow tool's run is going (offered with the workflow tools): its name is taken. */
export const RUN_STATUS_TOOL_NAME = "get_run_status";

export const MAX_TOOL_DESCRIPTION_CHARS = 2000;
export const MAX_INPUT_SCHEMA_BYTES = 64 * 1024;

const INPUT_SCHEMA_EXAMPLE = '{"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}';

export const toolNameSchema = z
  .string()
  .trim()
  .min(1, { error: "Enter the tool's name, e.g. create_task.", abort: true })
  .regex(TOOL_NAME_PATTERN, { error: "Use 1 to 64 lowercase letters, digits and underscores, starting with a letter (e.g. create_task)." })
  .refine((name) => name !== RUN_STATUS_TOOL_NAME, {
    error: `${RUN_STATUS_TOOL_NAME} is the name of Switchboard's own tool: choose another.`,
  });

/** The Input schema: JSON text (the editor) or an object (stored, imported), of an object (`"type": "object"`). */
export const toolInputSchemaSchema = z
  .union([z.string(), z.record(z.string(), z.unknown())], { error: `Enter a JSON Schema of an object, e.g. ${INPUT_SCHEMA_EXAMPLE}.` })
  .transform((input, ctx): Record<string, unknown> => {
    let value: unknown = input;
    if (typeof input === "string") {
      if (!input.trim()) {
        ctx.addIssue({ code: "custom", message: `Enter a JSON Schema of an object, e.g. ${INPUT_SCHEMA_EXAMPLE}.` });
        return z.NEVER;
      }
      if (new TextEncoder().encode(input).length > MAX_INPUT_SCHEMA_BYTES) {
        ctx.addIssue({ code: "custom", message: "Use at most 64 KB." });
        return z.NEVER;
      }
      if (jsonNestsDeeperThan(input)) {
        ctx.addIssue({ code: "custom", message: JSON_TOO_DEEP_MESSAGE });
        return z.NEVER;
      }
      try {
        value = JSON.parse(input);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `This is not JSON (${(error as Error).message}).` });
        return z.NEVER;
      }
    }
    if (!isPlainObject(value) || value.type !== "object") {
      ctx.addIssue({
        code: "custom",
        message: `The input schema must be a JSON Schema of an object, with "type": "object" (the tool's arguments are one JSON object).`,
      });
      return z.NEVER;
    }
    return value;
  });

export const workflowToolSchema = z.object({
  name: toolNameSchema,
  description: z
    .string()
    .trim()
    .min(1, { error: "Describe what the tool does: an agent reads it to choose the tool." })
    .max(MAX_TOOL_DESCRIPTION_CHARS, { error: `Use at most ${MAX_TOOL_DESCRIPTION_CHARS} characters.` }),
  inputSchema: toolInputSchemaSchema,
}) satisfies z.ZodType<StoredWorkflowTool>;

/** The JSON Schema of one sample value: its type, an object's properties (all required: they were present), an array's first item's. */
function schemaOfValue(value: unknown, depth: number): Record<string, unknown> {
  if (value === null) return { type: "null" };
  if (typeof value === "string") return { type: "string" };
  if (typeof value === "boolean") return { type: "boolean" };
  if (typeof value === "number") return { type: Number.isInteger(value) ? "integer" : "number" };
  if (Array.isArray(value)) {
    return value.length && depth < 16 ? { type: "array", items: schemaOfValue(value[0], depth + 1) } : { type: "array" };
  }
  if (isPlainObject(value)) {
    if (depth >= 16) return { type: "object" };
    const keys = Object.keys(value);
    return {
      type: "object",
      properties: Object.fromEntries(keys.map((key) => [key, schemaOfValue(value[key], depth + 1)])),
      ...(keys.length ? { required: keys } : {}),
    };
  }
  return {};
}

/**
 * The input schema Expose as a tool is pre-filled with: the Sample trigger input's `body` as a
 * schema of an object (each property's type, every key present required); an empty object's
 * schema when the sample has no object body.
 */
export function inferToolInputSchema(sampleTrigger: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const body = sampleTrigger.body;
  return isPlainObject(body) ? schemaOfValue(body, 0) : { type: "object", properties: {} };
}

/** A stored input schema as the editor's text. */
export function inputSchemaText(schema: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(schema, null, 2);
}
