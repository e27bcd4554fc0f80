import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import type { StoredTrigger, StoredWorkflowDefinition } from "@/db/workflow-definition";
import { JSON_TOO_DEEP_MESSAGE, jsonNestsDeeperThan } from "@/lib/json";
import { availableVariables, type VariableContext, unknownWorkflowVariables } from "./variables";

// A workflow's definition: one trigger and ordered steps. One schema for the editor's form,
// the save action and deploy.

/** A published resource with webhook settings: its Resource Triggers ("TaskLab Triggers → task.created"). */
export interface TriggerResource {
  id: string;
  name: string;
  /** The Webhook Setup page's Event types: one trigger each. */
  eventTypes: readonly string[];
  /** The event kept by "Use as sample" on the Webhooks tab: `trigger.*` of its workflows. */
  sample: { type: string | null; headers: Record<string, string>; payload: unknown } | null;
}

/** A resource's group of triggers in the Trigger select, e.g. "TaskLab Triggers". */
export function resourceTriggersLabel(resourceName: string): string {
  return `${resourceName} Triggers`;
}

/** A trigger as the Workflows list names it: "TaskLab Triggers → task.created", "App Event", … */
export function describeTrigger(trigger: StoredTrigger, resourceName: string | undefined): string {
  if (trigger.kind !== "resource_event") return TRIGGER_KIND_LABELS[trigger.kind];
  return `${resourceName ? resourceTriggersLabel(resourceName) : TRIGGER_KIND_LABELS.resource_event} → ${trigger.eventType}`;
}

/** The trigger kinds as the UI names them. */
export const TRIGGER_KIND_LABELS: Record<StoredTrigger["kind"], string> = {
  app_event: "App Event",
  request: "Request",
  scheduler: "Scheduler",
  resource_event: "Resource Trigger",
};

export const WORKFLOW_STEP_TYPES = ["request", "condition", "delay"] as const;
export const REQUEST_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export const CONDITION_OPERATORS = ["equals", "not_equals", "contains", "is_empty", "is_not_empty"] as const;
export const CONDITION_OPERATOR_LABELS: Record<(typeof CONDITION_OPERATORS)[number], string> = {
  equals: "equals",
  not_equals: "does not equal",
  contains: "contains",
  is_empty: "is empty",
  is_not_empty: "is not empty",
};
/** A Delay waits at most this long (30 days). */
export const MAX_DELAY_SECONDS = 30 * 24 * 60 * 60;

export const workflowNameSchema = z
  .string()
  .trim()
  .min(1, { error: "Enter a name." })
  .max(100, { error: "Use at most 100 characters." });

export const stepKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, { error: "Use lower-case letters, digits and _, starting with a letter (e.g. get_task)." });

export const eventNameSchema = z
  .string()
  .trim()
  .min(1, { error: "Enter the event name, e.g. task.sync." })
  .max(100, { error: "Use at most 100 characters." })
  .regex(/^[A-Za-z0-9_.:-]+$/, { error: "Use letters, digits and . _ : - (e.g. task.sync)." });

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const triggerSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("app_event"), eventName: eventNameSchema }),
  z.object({ kind: z.literal("request") }),
  z.object({
    kind: z.literal("scheduler"),
    cron: z
      .string()
      .trim()
      .min(1, { error: "Enter a cron expression, e.g. 0 9 * * 1-5." })
      .max(100)
      .refine(
        (value) => {
          if (value.split(/\s+/).length !== 5) return false;
          try {
            CronExpressionParser.parse(value);
            return true;
          } catch {
            return false;
          }
        },
        { error: "Enter a cron expression of five fields: minute hour day-of-month month day-of-week (e.g. 0 9 * * 1-5)." },
      ),
    timeZone: z.string().trim().min(1).max(64).refine(isTimeZone, { error: "Enter an IANA time zone, e.g. Europe/Berlin or UTC." }),
  }),
  z.object({
    kind: z.literal("resource_event"),
    resourceId: z.uuid({ error: "Choose a resource." }),
    eventType: z.string().trim().min(1, { error: "Choose an event type." }).max(200),
  }),
]);
export type WorkflowTrigger = z.output<typeof triggerSchema>;

const templateText = (max: number) => z.string().max(max, { error: `Use at most ${max} characters.` });
const keyValueRows = z
  .array(z.object({ name: z.string().trim().min(1, { error: "Enter a name." }).max(256), value: templateText(4096) }))
  .max(30, { error: "Use at most 30 rows." });

export const stepSchema = z.discriminatedUnion("type", [
  z.object({
    key: stepKeySchema,
    type: z.literal("request"),
    resourceId: z.uuid({ error: "Choose a resource." }),
    method: z.enum(REQUEST_METHODS),
    path: templateText(2048).refine((path) => path.startsWith("/"), { error: "Enter a path starting with /, relative to the API Base URL." }),
    query: keyValueRows,
    headers: keyValueRows,
    body: templateText(65_536),
    retries: z.boolean(),
  }),
  z.object({
    key: stepKeySchema,
    type: z.literal("condition"),
    left: templateText(4096),
    operator: z.enum(CONDITION_OPERATORS),
    right: templateText(4096),
  }),
  z.object({
    key: stepKeySchema,
    type: z.literal("delay"),
    seconds: z.number().int().min(1, { error: "Wait at least 1 second." }).max(MAX_DELAY_SECONDS, { error: "Wait at most 30 days." }),
  }),
]);
export type WorkflowStep = z.output<typeof stepSchema>;

export const workflowDefinitionSchema = z
  .object({
    trigger: triggerSchema.nullable(),
    steps: z.array(stepSchema).max(50, { error: "Use at most 50 steps." }),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.steps.forEach((step, index) => {
      if (seen.has(step.key)) ctx.addIssue({ code: "custom", path: ["steps", index, "key"], message: "Step keys must be unique." });
      seen.add(step.key);
    });
  }) satisfies z.ZodType<StoredWorkflowDefinition>;
export type WorkflowDefinition = z.output<typeof workflowDefinitionSchema>;

/** The templates of a step, by field path within the step (for error paths). */
export function stepTemplates(step: WorkflowStep): [string, string][] {
  switch (step.type) {
    case "request":
      return [
        ["path", step.path],
        ...step.query.map((row, index): [string, string] => [`query.${index}.value`, row.value]),
        ...step.headers.map((row, index): [string, string] => [`headers.${index}.value`, row.value]),
        ["body", step.body],
      ];
    case "condition":
      return [
        ["left", step.left],
        ["right", step.right],
      ];
    case "delay":
      return [];
  }
}

/** What the save-time checks know of the project: its published resources, and which of them have Resource Triggers. */
export type WorkflowCheckContext = VariableContext & { triggerResources: readonly TriggerResource[] };

/**
 * Save-time checks beyond the shape: a Resource Trigger's resource is a published resource of
 * the project with webhook settings and its event type one of the resource's Event types;
 * every template names only variables available where it stands (the unknown one named, with
 * "Did you mean …"); a request step's resource is one of the project's published resources;
 * a JSON body is JSON. Answers field errors by path.
 */
export function checkWorkflowDefinition(definition: WorkflowDefinition, context: WorkflowCheckContext): Record<string, string> {
  const errors: Record<string, string> = {};
  const trigger = definition.trigger;
  if (trigger?.kind === "resource_event") {
    const resource = context.triggerResources.find((candidate) => candidate.id === trigger.resourceId);
    if (!resource) {
      errors["trigger.eventType"] = "This trigger's resource is not a published resource of this project with webhooks set up: choose another trigger.";
    } else if (!resource.eventTypes.includes(trigger.eventType)) {
      errors["trigger.eventType"] = resource.eventTypes.length
        ? `"${trigger.eventType}" is not one of ${resource.name}'s Event types (${resource.eventTypes.join(", ")}): choose one, or add it on the resource's Webhooks tab.`
        : `${resource.name} lists no Event types yet: add them on the resource's Webhooks tab.`;
    }
  }
  definition.steps.forEach((step, index) => {
    if (step.type === "request" && !context.resources.some((resource) => resource.id === step.resourceId)) {
      errors[`steps.${index}.resourceId`] = "Choose a published resource of this project.";
    }
    const available = availableVariables(definition, index, context);
    for (const [field, template] of stepTemplates(step)) {
      const problems = unknownWorkflowVariables(template, available);
      if (problems.length) errors[`steps.${index}.${field}`] = problems.join(" ");
    }
    if (step.type === "request" && step.body.trim() && !errors[`steps.${index}.body`]) {
      if (jsonNestsDeeperThan(step.body)) {
        errors[`steps.${index}.body`] = JSON_TOO_DEEP_MESSAGE;
      } else {
        try {
          JSON.parse(step.body);
        } catch {
          errors[`steps.${index}.body`] = 'The body must be JSON; put variables inside strings, e.g. {"id": "{{trigger.payload.taskId}}"}.';
        }
      }
    }
  });
  return errors;
}
