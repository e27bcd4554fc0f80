import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import type { StoredRunTriggerKind, StoredTrigger, StoredWorkflowDefinition } from "@/db/workflow-definition";
import { editorStepSchema, stepModule, stepSchema } from "./steps";
import { StepTree } from "./tree";
import { availableVariables, stepsSureToRunBefore } from "./available-variables";
import { type VariableContext, unknownWorkflowVariables } from "./variables";
import { workflowToolSchema } from "./workflow-tool";

// A workflow's definition: one trigger and ordered steps, some holding steps of their own (a
// tree: lib/workflows/tree.ts). One schema for the editor's form, the save action and deploy;
// each step's own schema and checks are its type's module (lib/workflows/steps).

/** A definition holds at most this many steps, counting those inside branches and Fan Outs. */
export const MAX_STEPS = 50;

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

/** What started a run, as Runs names it: a trigger's kind, or **Tool call** (an agent called the workflow as a tool). */
export const RUN_TRIGGER_LABELS: Record<StoredRunTriggerKind, string> = { ...TRIGGER_KIND_LABELS, tool_call: "Tool call" };

export const workflowNameSchema = z.string().trim().min(1, { error: "Enter a name." }).max(100, { error: "Use at most 100 characters." });

/** The longest App Event name, in characters. */
export const MAX_EVENT_NAME_LENGTH = 100;

export const eventNameSchema = z
  .string()
  .trim()
  .min(1, { error: "Enter the event name, e.g. task.sync." })
  .max(MAX_EVENT_NAME_LENGTH, { error: `Use at most ${MAX_EVENT_NAME_LENGTH} characters.` })
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
  // Expose as a tool: absent when the workflow is not a tool.
  z.object({ kind: z.literal("request"), tool: workflowToolSchema.optional() }),
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

/** A step as stored (its type's module's schema). */
export type WorkflowStep = z.output<typeof stepSchema>;

/**
 * A definition whose steps are read with `steps` (the stored schemas, or the editor's): at most
 * MAX_STEPS in the whole tree, keys unique across it, and no step inside a Fan Out that may not
 * run once per item (another Fan Out, a Response). Errors are on the offending step's field.
 */
function definitionSchema<Steps extends typeof stepSchema | typeof editorStepSchema>(steps: Steps) {
  return z
    .object({
      trigger: triggerSchema.nullable(),
      steps: z.array(steps),
    })
    .superRefine((value, ctx) => {
      const tree = new StepTree(value.steps as StoredWorkflowDefinition["steps"]);
      if (tree.nodes.length > MAX_STEPS) {
        ctx.addIssue({
          code: "custom",
          path: ["steps"],
          message: `Use at most ${MAX_STEPS} steps (this workflow has ${tree.nodes.length}, counting those inside branches and Fan Outs).`,
        });
      }
      const seen = new Set<string>();
      for (const node of tree.nodes) {
        const path = [...node.path.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part))];
        if (seen.has(node.step.key))
          ctx.addIssue({
            code: "custom",
            path: [...path, "key"],
            message: "Step keys must be unique across the workflow, branches and Fan Outs included.",
          });
        seen.add(node.step.key);
        const stepType = stepModule(node.step.type);
        if (node.fanOut && stepType.perItem === false) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "type"],
            message: `A ${stepType.label} step cannot stand inside a Fan Out's steps for each item.`,
          });
        }
      }
    });
}

export const workflowDefinitionSchema = definitionSchema(stepSchema) satisfies z.ZodType<StoredWorkflowDefinition>;
/** The definition as the editor's form holds it: its output is the stored definition. */
export const editorDefinitionSchema = definitionSchema(editorStepSchema) satisfies z.ZodType<StoredWorkflowDefinition>;
export type WorkflowDefinition = z.output<typeof workflowDefinitionSchema>;

/** The templates of a step, by field path within the step (for error paths). */
export function stepTemplates(step: WorkflowStep): [string, string][] {
  return stepModule(step.type).templates(step);
}

/**
 * A clearer message for a variable of a step that exists but is not sure to have run here (inside
 * a branch, a Fan Out's steps for each item, or after this step): unknownWorkflowVariables'
 * problem names the variable first.
 */
function unreachableStepMessage(problem: string, unreachable: ReadonlySet<string>): string | undefined {
  const key = /steps\.([a-z][a-z0-9_]*)/.exec(problem)?.[1];
  if (!key || !unreachable.has(key)) return undefined;
  const variable = /\bsteps\.[A-Za-z0-9_.-]+/.exec(problem)?.[0] ?? `steps.${key}`;
  return `${variable}: step ${key} is not sure to have run before this step (it comes later, or stands in a branch or a Fan Out's steps for each item this step is not in).`;
}

/** What the save-time checks know of the project: its published resources, and which of them have Resource Triggers. */
export type WorkflowCheckContext = VariableContext & { triggerResources: readonly TriggerResource[] };

/**
 * Save-time checks beyond the shape: a Resource Trigger's resource is a published resource of
 * the project with webhook settings and its event type one of the resource's Event types;
 * every template names only variables available where it stands (the unknown one named, with
 * "Did you mean …"); and each step type's own checks (a Request step's resource is one of the
 * project's published resources, its body JSON). Answers field errors by path.
 */
export function checkWorkflowDefinition(definition: WorkflowDefinition, context: WorkflowCheckContext): Record<string, string> {
  const errors: Record<string, string> = {};
  const trigger = definition.trigger;
  if (trigger?.kind === "resource_event") {
    const resource = context.triggerResources.find((candidate) => candidate.id === trigger.resourceId);
    if (!resource) {
      errors["trigger.eventType"] =
        "This trigger's resource is not a published resource of this project with webhooks set up: choose another trigger.";
    } else if (!resource.eventTypes.includes(trigger.eventType)) {
      errors["trigger.eventType"] = resource.eventTypes.length
        ? `"${trigger.eventType}" is not one of ${resource.name}'s Event types (${resource.eventTypes.join(", ")}): choose one, or add it on the resource's Webhooks tab.`
        : `${resource.name} lists no Event types yet: add them on the resource's Webhooks tab.`;
    }
  }
  const tree = new StepTree(definition.steps);
  const keys = new Set(tree.nodes.map((node) => node.step.key));
  for (const node of tree.nodes) {
    const step = node.step;
    const available = availableVariables(definition, node.position, context);
    const sure = new Set(stepsSureToRunBefore(node).map((before) => before.step.key));
    const unreachable = new Set([...keys].filter((key) => !sure.has(key)));
    const templateErrors: Record<string, string> = {};
    for (const [field, template] of stepTemplates(step)) {
      const problems = unknownWorkflowVariables(template, available).map(
        (problem) => unreachableStepMessage(problem, unreachable) ?? problem,
      );
      if (problems.length) templateErrors[field] = problems.join(" ");
    }
    const own = stepModule(step.type).check?.(step, { resources: context.resources, trigger: definition.trigger }, templateErrors) ?? {};
    for (const [field, message] of Object.entries({ ...own, ...templateErrors })) errors[`${node.path}.${field}`] = message;
  }
  return errors;
}
