import { z } from "zod";
import { defineStep, NO_VARIABLES, stepKeySchema } from "./module";

// Delay: a durable wait before the next step. A run enqueues the next step's job to start after
// the wait; Test does not wait.

/** A Delay waits at most this long (30 days). */
export const MAX_DELAY_SECONDS = 30 * 24 * 60 * 60;

const schema = z.object({
  key: stepKeySchema,
  type: z.literal("delay"),
  seconds: z.number().int().min(1, { error: "Wait at least 1 second." }).max(MAX_DELAY_SECONDS, { error: "Wait at most 30 days." }),
});

export const delayStep = defineStep({
  type: "delay",
  label: "Delay",
  schema,
  editorSchema: schema,
  title: () => "Delay",
  addStep: { group: "steps", choices: () => [{ label: "Delay", choice: {} }] },
  create: (key): z.output<typeof schema> => ({ key, type: "delay", seconds: 60 }),
  templates: () => [],
  variables: () => NO_VARIABLES,
  summary: (step) => `Wait ${step.seconds} s`,
  async run(step, context) {
    return {
      kind: "next",
      output: { waitedSeconds: step.seconds },
      resumeAt: new Date(context.now() + step.seconds * 1000),
      note: `Waits ${step.seconds} s in a run; not waited in a test.`,
    };
  },
});
