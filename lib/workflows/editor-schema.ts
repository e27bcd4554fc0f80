import { z } from "zod";
import type { StoredTrigger } from "@/db/workflow-definition";
import { JSON_TOO_DEEP_MESSAGE, jsonNestsDeeperThan } from "@/lib/json";
import { findUnstorableText, unstorableTextMessage } from "@/lib/jsonb";
import { type TriggerResource, workflowDefinitionSchema, workflowNameSchema, type WorkflowStep } from "./definition";
import { availableVariables, type VariableContext } from "./variables";

// The workflow editor's one form: its name, sample trigger payload (JSON text) and definition,
// with the definition's fields at the top level so errors have paths like "steps.1.path". The
// form's zodResolver and the save action both use this schema.

export const MAX_SAMPLE_TRIGGER_BYTES = 64 * 1024;

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The sample trigger payload as the editor holds it: JSON text of an object; empty is {}. */
export const sampleTriggerTextSchema = z
  .string()
  .refine((text) => new TextEncoder().encode(text).length <= MAX_SAMPLE_TRIGGER_BYTES, { error: "Use at most 64 KB." })
  .transform((text, ctx): Record<string, unknown> => {
    if (!text.trim()) return {};
    if (jsonNestsDeeperThan(text)) {
      ctx.addIssue({ code: "custom", message: JSON_TOO_DEEP_MESSAGE });
      return z.NEVER;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "Enter JSON, e.g. {\"payload\": {\"taskId\": \"t_1\"}}." });
      return z.NEVER;
    }
    if (!isJsonObject(value)) {
      ctx.addIssue({ code: "custom", message: "Enter a JSON object, e.g. {\"payload\": {\"taskId\": \"t_1\"}}." });
      return z.NEVER;
    }
    const unstorable = findUnstorableText(value, "sample");
    if (unstorable) {
      ctx.addIssue({ code: "custom", message: unstorableTextMessage(unstorable) });
      return z.NEVER;
    }
    return value;
  });

export const workflowEditorSchema = z.object({ name: workflowNameSchema, sampleTrigger: sampleTriggerTextSchema }).and(workflowDefinitionSchema);
export type WorkflowEditorInput = z.input<typeof workflowEditorSchema>;
export type WorkflowEditorValues = z.output<typeof workflowEditorSchema>;
export type WorkflowStepInput = WorkflowEditorInput["steps"][number];

/** A stored sample as the editor's text: indented JSON, or empty for none. */
export function sampleTriggerText(sample: Readonly<Record<string, unknown>>): string {
  return Object.keys(sample).length ? JSON.stringify(sample, null, 2) : "";
}

/** The sample the variable menu lists from while the user types: {} until the text is a JSON object. */
export function parseSampleTriggerLeniently(text: string): Record<string, unknown> {
  const parsed = sampleTriggerTextSchema.safeParse(text);
  return parsed.success ? parsed.data : {};
}

/** A placeholder for the sample payload, by trigger kind: the shape of `trigger.*`. */
export function sampleTriggerPlaceholder(kind: StoredTrigger["kind"] | undefined): string {
  switch (kind) {
    case "app_event":
      return '{ "name": "task.sync", "payload": { "taskId": "t_1" } }';
    case "request":
      return '{ "body": { "taskId": "t_1" } }';
    case "scheduler":
      return '{ "scheduledAt": "2026-01-05T09:00:00.000Z" }';
    case "resource_event":
      return '{ "type": "task.created", "payload": { "id": "t_1" }, "headers": { "webhook-id": "msg_1" } }';
    default:
      return "{}";
  }
}

/** The first free step key `<base>_<n>`. */
export function nextStepKey(base: string, steps: ReadonlyArray<{ key?: string }>): string {
  const used = new Set(steps.map((step) => step.key));
  for (let n = 1; ; n++) if (!used.has(`${base}_${n}`)) return `${base}_${n}`;
}

/** A new step as Add step appends it. */
export function newStep(
  choice: { type: "request"; resourceId: string } | { type: "condition" } | { type: "delay" },
  steps: ReadonlyArray<{ key?: string }>,
): WorkflowStep {
  switch (choice.type) {
    case "request":
      return {
        key: nextStepKey("request", steps),
        type: "request",
        resourceId: choice.resourceId,
        method: "GET",
        path: "/",
        query: [],
        headers: [],
        body: "",
        retries: true,
      };
    case "condition":
      return { key: nextStepKey("condition", steps), type: "condition", left: "", operator: "equals", right: "" };
    case "delay":
      return { key: nextStepKey("delay", steps), type: "delay", seconds: 60 };
  }
}

/** What the editor lists variables from, besides the sample it holds in the form. */
export type EditorVariableContext = Omit<VariableContext, "sampleTrigger"> & {
  /** The published resources with webhook settings, their Event types and sample events (none when left out). */
  triggerResources?: readonly TriggerResource[];
};

/**
 * The sample trigger input variables and Test use: for a Resource Trigger whose resource has a
 * sample event (Use as sample on its Webhooks tab), that event's `{ type, payload, headers }`;
 * otherwise the sample payload the editor holds.
 */
export function effectiveSampleTrigger(
  trigger: StoredTrigger | null | undefined,
  triggerResources: readonly TriggerResource[] = [],
  sampleTrigger: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  if (trigger?.kind === "resource_event") {
    const sample = triggerResources.find((resource) => resource.id === trigger.resourceId)?.sample;
    if (sample) return { type: sample.type, payload: sample.payload, headers: sample.headers };
  }
  return { ...sampleTrigger };
}

/**
 * The variable menu's names for each step of the form as it stands (unsaved edits included),
 * from the same availableVariables that save checks against.
 */
export function editorStepVariables(
  values: Pick<WorkflowEditorInput, "trigger" | "steps" | "sampleTrigger">,
  context: EditorVariableContext,
): string[][] {
  const definition = { trigger: values.trigger ?? null, steps: (values.steps ?? []) as WorkflowStep[] };
  const full: VariableContext = {
    ...context,
    sampleTrigger: effectiveSampleTrigger(definition.trigger, context.triggerResources, parseSampleTriggerLeniently(values.sampleTrigger ?? "")),
  };
  return definition.steps.map((_, index) => availableVariables(definition, index, full).names);
}
