import { z } from "zod";
import type { StoredTrigger } from "@/db/workflow-definition";
import { canonicalJson, isPlainObject, JSON_TOO_DEEP_MESSAGE, jsonNestsDeeperThan } from "@/lib/json";
import { findUnstorableText, unstorableTextMessage } from "@/lib/jsonb";
import { editorDefinitionSchema, type TriggerResource, type triggerSchema, workflowNameSchema, type WorkflowStep } from "./definition";
import { type StepChoice, stepModule } from "./steps";
import { StepTree } from "./tree";
import { availableVariables } from "./available-variables";
import type { VariableContext } from "./variables";

// The workflow editor's one form: its name, Sample trigger input (JSON text: the whole `trigger.*`)
// and definition, with the definition's fields at the top level so errors have paths like
// "steps.1.path". The form's zodResolver and the save action both use this schema.

export const MAX_SAMPLE_TRIGGER_BYTES = 64 * 1024;

/** The Sample trigger input as the editor holds it: JSON text of an object; empty is {}. */
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
      ctx.addIssue({ code: "custom", message: 'Enter JSON, e.g. {"payload": {"taskId": "t_1"}}.' });
      return z.NEVER;
    }
    if (!isPlainObject(value)) {
      ctx.addIssue({ code: "custom", message: 'Enter a JSON object, e.g. {"payload": {"taskId": "t_1"}}.' });
      return z.NEVER;
    }
    const unstorable = findUnstorableText(value, "sample");
    if (unstorable) {
      ctx.addIssue({ code: "custom", message: unstorableTextMessage(unstorable) });
      return z.NEVER;
    }
    return value;
  });

/** What a sample must hold for a trigger: its keys (required or not) and how each value must look. */
interface SampleShape {
  keys: Record<string, { required: boolean; valid: (value: unknown) => boolean }>;
  message: string;
}

const anyJson = () => true;
const isString = (value: unknown) => typeof value === "string";

/** The input each trigger gives its runs (lib/workflows/triggers.ts, runs.ts, lib/webhooks/intake.ts), as a sample must hold it. */
const SAMPLE_SHAPES: Record<StoredTrigger["kind"], SampleShape> = {
  app_event: {
    keys: { name: { required: false, valid: isString }, payload: { required: true, valid: isPlainObject } },
    message: 'An App Event\'s input is { "name": "<event>", "payload": { … } }: put the event\'s payload under "payload".',
  },
  request: {
    keys: { body: { required: true, valid: anyJson } },
    message: 'A Request\'s input is { "body": … }: put the request body under "body".',
  },
  scheduler: {
    keys: { scheduledAt: { required: true, valid: isString } },
    message: 'A Scheduler\'s input is { "scheduledAt": "<ISO time>" }.',
  },
  resource_event: {
    keys: {
      type: { required: false, valid: (value) => value === null || isString(value) },
      payload: { required: true, valid: anyJson },
      headers: { required: false, valid: (value) => isPlainObject(value) && Object.values(value).every(isString) },
    },
    message:
      'A Resource Trigger\'s input is { "type": "<event type>", "payload": …, "headers": { … } }: put the event\'s body under "payload".',
  },
};

/** Whether a sample has the shape of the trigger's input; an empty sample (none) fits every trigger. */
function sampleFitsTrigger(sample: Readonly<Record<string, unknown>>, kind: StoredTrigger["kind"]): boolean {
  const entries = Object.entries(sample);
  if (!entries.length) return true;
  const { keys } = SAMPLE_SHAPES[kind];
  return (
    entries.every(([key, value]) => Object.hasOwn(keys, key) && keys[key]!.valid(value)) &&
    Object.entries(keys).every(([key, { required }]) => !required || Object.hasOwn(sample, key))
  );
}

// A sample of another shape would give Test and the variable menu other variables than a run has
// (a user who types the App Event's payload alone gets empty `trigger.payload.*`): refused at save,
// on the field. Loading a saved draft parses nothing, so an older mismatched sample still opens.
/**
 * The editor's fields without the sample's shape check: what an imported document must hold. A
 * document exported before samples were checked imports with its sample as it was; the editor
 * names the mismatch on the next save.
 */
export const workflowDocumentSchema = z
  .object({ name: workflowNameSchema, sampleTrigger: sampleTriggerTextSchema })
  .and(editorDefinitionSchema);

export const workflowEditorSchema = workflowDocumentSchema.superRefine((value, ctx) => {
  if (value.trigger && !sampleFitsTrigger(value.sampleTrigger, value.trigger.kind)) {
    ctx.addIssue({ code: "custom", path: ["sampleTrigger"], message: SAMPLE_SHAPES[value.trigger.kind].message });
  }
});
export type WorkflowEditorInput = z.input<typeof workflowEditorSchema>;
export type WorkflowEditorValues = z.output<typeof workflowEditorSchema>;
export type WorkflowStepInput = WorkflowEditorInput["steps"][number];
/** A trigger as the editor's form holds it (a tool's Input schema as JSON text); a stored trigger is one too. */
export type EditorTrigger = z.input<typeof triggerSchema>;

/** A stored sample as the editor's text: indented JSON, or empty for none. */
export function sampleTriggerText(sample: Readonly<Record<string, unknown>>): string {
  return Object.keys(sample).length ? JSON.stringify(sample, null, 2) : "";
}

/** The sample the variable menu lists from while the user types: {} until the text is a JSON object. */
export function parseSampleTriggerLeniently(text: string): Record<string, unknown> {
  const parsed = sampleTriggerTextSchema.safeParse(text);
  return parsed.success ? parsed.data : {};
}

/** A Scheduler run's `trigger.scheduledAt`, as samples show it. */
const SAMPLE_SCHEDULED_AT = "2026-01-05T09:00:00.000Z";

/** A placeholder for the Sample trigger input, by trigger kind: the shape of `trigger.*`. */
export function sampleTriggerPlaceholder(kind: StoredTrigger["kind"] | undefined): string {
  switch (kind) {
    case "app_event":
      return '{ "name": "task.sync", "payload": { "taskId": "t_1" } }';
    case "request":
      return '{ "body": { "taskId": "t_1" } }';
    case "scheduler":
      return `{ "scheduledAt": "${SAMPLE_SCHEDULED_AT}" }`;
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

/**
 * A new step as Add step appends it (to any list of the tree), keyed `<type>_<n>` with a key free
 * across the whole tree: `steps` is the definition's top-level list.
 */
export function newStep(choice: StepChoice, steps: ReadonlyArray<{ key?: string }>): WorkflowStep {
  const everyStep = new StepTree(
    steps.filter((step): step is WorkflowStep => typeof (step as { type?: unknown }).type === "string"),
  ).steps();
  return stepModule(choice.type).create(nextStepKey(choice.type, [...steps, ...everyStep]), choice) as WorkflowStep;
}

/** What the editor lists variables from, besides the sample it holds in the form. */
export type EditorVariableContext = Omit<VariableContext, "sampleTrigger"> & {
  /** The published resources with webhook settings, their Event types and sample events (none when left out). */
  triggerResources?: readonly TriggerResource[];
};

/**
 * The sample trigger input variables and Test use: for a Resource Trigger whose resource has a
 * sample event (Use as sample on its Webhooks tab), that event's `{ type, payload, headers }`;
 * otherwise the Sample trigger input the editor holds.
 */
export function effectiveSampleTrigger(
  trigger: EditorTrigger | null | undefined,
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
 * What the Sample trigger input is pre-filled with when a trigger is chosen: the trigger's input
 * with empty values (`{ "name": "<event>", "payload": {} }`, `{ "body": {} }`, …), or for a
 * Resource Trigger the event kept with Use as sample, when there is one.
 */
export function sampleTriggerShape(
  trigger: EditorTrigger | null | undefined,
  triggerResources: readonly TriggerResource[] = [],
): Record<string, unknown> {
  switch (trigger?.kind) {
    case "app_event":
      return { name: trigger.eventName, payload: {} };
    case "request":
      return { body: {} };
    case "scheduler":
      return { scheduledAt: SAMPLE_SCHEDULED_AT };
    case "resource_event":
      return effectiveSampleTrigger(trigger, triggerResources, { type: trigger.eventType, payload: {}, headers: {} });
    default:
      return {};
  }
}

/**
 * The Sample trigger input's text once the trigger changes (another kind, resource or event
 * name), `previousShape` being what it pre-filled for the trigger before: the new trigger's
 * shape while the text is empty or still holds that previous shape, else the text as the user
 * typed it. A Resource Trigger's kept event always replaces it: Test and the variables use that
 * event (effectiveSampleTrigger), and the editor shows it instead of the text.
 */
export function prefilledSampleText(
  text: string,
  previousShape: Readonly<Record<string, unknown>>,
  trigger: EditorTrigger | null | undefined,
  triggerResources: readonly TriggerResource[] = [],
): string {
  const kept =
    trigger?.kind === "resource_event" && triggerResources.some((resource) => resource.id === trigger.resourceId && resource.sample);
  const parsed = sampleTriggerTextSchema.safeParse(text);
  const untouched = !text.trim() || (parsed.success && canonicalJson(parsed.data) === canonicalJson(previousShape));
  return kept || untouched ? sampleTriggerText(sampleTriggerShape(trigger, triggerResources)) : text;
}

/**
 * The variable menu's names for each step of the form as it stands (unsaved edits included), by
 * the step's path in the form ("steps.0", "steps.1.whenTrue.0"), from the same availableVariables
 * that save checks against.
 */
export function editorStepVariables(
  values: Pick<WorkflowEditorInput, "trigger" | "steps" | "sampleTrigger">,
  context: EditorVariableContext,
): Record<string, string[]> {
  // The variables do not depend on a tool's Input schema, which the form holds as text.
  const definition = { trigger: (values.trigger ?? null) as StoredTrigger | null, steps: (values.steps ?? []) as WorkflowStep[] };
  const full: VariableContext = {
    ...context,
    sampleTrigger: effectiveSampleTrigger(
      definition.trigger,
      context.triggerResources,
      parseSampleTriggerLeniently(values.sampleTrigger ?? ""),
    ),
  };
  return Object.fromEntries(
    new StepTree(definition.steps).nodes.map((node) => [node.path, availableVariables(definition, node.position, full).names]),
  );
}
