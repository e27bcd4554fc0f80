import { z } from "zod";
import { fanOutMaxItems } from "@/lib/config/env";
import { TemplateError } from "@/lib/resources/template";
import { type AvailableVariables, renderJsonBody } from "../variables";
import { defineStep, stepKeySchema, templateText } from "./module";
import { editorStepList, storedStepList } from "./step-list";

// Fan Out: runs its steps once for each item of an array (`fanout.item`, `fanout.index`), as
// durable jobs, at most Concurrency items at once, and ends when every item has (the runner
// counts the items in the database: lib/workflows/fan-out.ts). Its output `steps.<key>.items` is
// each item's last step output, in order; with On item failure "continue", a failed item's entry
// is `{ error }` and the Fan Out goes on.

/** A Fan Out's Concurrency is at most this; the step queue's tier for Fan Out items allows as many (lib/workflows/step-queue.ts). */
export const MAX_FAN_OUT_CONCURRENCY = 50;
export const ON_ITEM_FAILURE = ["fail", "continue"] as const;
export const ON_ITEM_FAILURE_LABELS: Record<(typeof ON_ITEM_FAILURE)[number], string> = {
  fail: "Fail the Fan Out",
  continue: "Continue and report",
};

const fields = {
  key: stepKeySchema,
  type: z.literal("fan_out"),
  /** A template yielding an array, e.g. {{steps.list_tasks.body.tasks}}. */
  items: templateText(4096).refine((items) => items.trim() !== "", { error: "Enter the items, e.g. {{steps.list_tasks.body.tasks}}." }),
  concurrency: z
    .number({ error: "Enter a number." })
    .int({ error: "Enter a whole number." })
    .min(1, { error: "Run at least 1 item at once." })
    .max(MAX_FAN_OUT_CONCURRENCY, { error: `Run at most ${MAX_FAN_OUT_CONCURRENCY} items at once.` }),
  onItemFailure: z.enum(ON_ITEM_FAILURE),
};
const schema = z.object({ ...fields, body: storedStepList() });
const editorSchema = z.object({ ...fields, body: editorStepList() });
export type FanOutStep = z.output<typeof schema>;

/** What a value is, for the message when Items is not an array. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Where a Fan Out's items come from, as a JSON body renders a variable alone (its JSON value). */
export function renderFanOutItems(template: string, context: Parameters<typeof renderJsonBody>[1]): unknown {
  const rendered = renderJsonBody(JSON.stringify(template), context);
  return rendered === undefined ? null : JSON.parse(rendered);
}

export const fanOutStep = defineStep({
  type: "fan_out",
  label: "Fan Out",
  lists: [{ field: "body", label: "Steps for each item", perItem: true }],
  perItem: false,
  schema,
  editorSchema,
  title: () => "Fan Out",
  addStep: { group: "steps", choices: () => [{ label: "Fan Out", choice: {} }] },
  create: (key): FanOutStep => ({ key, type: "fan_out", items: "", concurrency: 10, onItemFailure: "fail", body: [] }),
  templates: (step) => [["items", step.items]],
  check(step): Record<string, string> {
    return step.body.length ? {} : { body: "Add at least one step to run for each item." };
  },
  variables(step): AvailableVariables {
    const base = `steps.${step.key}`;
    return { names: [`${base}.items`, `${base}.succeeded`, `${base}.failed`], openPrefixes: [`${base}.items.`] };
  },
  keyHint: (key) => `Later steps use each item's last output as steps.${key || "<key>"}.items.`,
  summary: (step) => `For each of ${step.items}`,
  async run(step, context) {
    let items: unknown;
    try {
      items = renderFanOutItems(step.items, context.variables);
    } catch (error) {
      if (error instanceof TemplateError) return { kind: "fail", error: error.message };
      throw error;
    }
    if (!Array.isArray(items)) return { kind: "fail", error: `Items must be an array; ${step.items.trim()} is ${kindOf(items)}.` };
    const max = fanOutMaxItems();
    if (items.length > max) return { kind: "fail", error: `Items holds ${items.length} items; a Fan Out runs over at most ${max}.` };
    if (!items.length) return { kind: "next", output: { items: [], succeeded: 0, failed: 0 }, note: "No items: nothing to run." };
    return { kind: "wait_children", items, concurrency: step.concurrency, onItemFailure: step.onItemFailure };
  },
});
