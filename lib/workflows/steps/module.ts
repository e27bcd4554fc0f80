import { z } from "zod";
import { JSON_TOO_DEEP_MESSAGE, jsonNestsDeeperThan } from "@/lib/json";
import type { DescribedRequest } from "@/lib/connections/session";
import type { ApiCall } from "@/lib/resources/request";
import type { AvailableVariables, RunContext, VariableContext } from "../variables";

// What a step type is: one module (lib/workflows/steps/<type>.ts) that says how the step is
// stored and edited, what it is called, which variables it gives the steps after it, how the
// run page sums it up, and how it runs. STEPS (./index.ts) lists them; the runner, the editor's
// Test, the save checks, the Add step menu and the run page all read it. Modules hold no server
// code: what a run and a Test do differently (the connection, the clock, what is kept) comes in
// through StepRunContext, so the editor may import them too.

/**
 * A step held by another step (a Condition's branch, a Fan Out's body): any stored step. Typed
 * loosely here so that the modules' types do not refer to themselves; the tree walk
 * (lib/workflows/tree.ts) reads it as a StoredStep, which the schema (./step-list.ts) made sure of.
 */
export type NestedStep = { type: string; key: string } & Record<string, unknown>;

/** A list of steps a step holds: its field, its label in the editor and on the run page, and whether it runs once per item (a Fan Out's). */
export interface StepListField {
  field: string;
  label: string;
  perItem?: boolean;
}

/** A step's key: `steps.<key>.*` of the steps after it. */
export const stepKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, { error: "Use lower-case letters, digits and _, starting with a letter (e.g. get_task)." });

/**
 * What is wrong with a JSON body template (a Request's, a Response's), if anything: it must be JSON
 * nested at most 64 deep, variables inside strings (`example` shows how). Empty is no body.
 */
export function jsonBodyTemplateError(body: string, example: string): string | undefined {
  if (!body.trim()) return undefined;
  if (jsonNestsDeeperThan(body)) return JSON_TOO_DEEP_MESSAGE;
  try {
    JSON.parse(body);
    return undefined;
  } catch {
    return `The body must be JSON; put variables inside strings, e.g. ${example}.`;
  }
}

/** A template field of at most `max` characters. */
export const templateText = (max: number) => z.string().max(max, { error: `Use at most ${max} characters.` });

/** What one try of a step sent and received: a run records it as the attempt, Test shows it. */
export interface StepAttemptDetails {
  durationMs: number;
  /** The request as sent, secrets masked. */
  request?: DescribedRequest;
  response?: StepResponse;
}

export interface StepResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  durationMs: number;
}

/**
 * How one try of a step ended. The runner (lib/workflows/execute.ts, runStep) turns it into
 * what a run stores and enqueues, or what Test shows:
 * - `next`: the step succeeded with `output` (its `steps.<key>.*`); the next step runs, after
 *   `resumeAt` when given (a Delay; Test does not wait). With `into`, the next step is the first
 *   of the step's own list of that field (a Condition's branch); an empty list goes on after it;
 * - `retry`: this try failed and the step is tried again at `at` (Test tries once: it fails);
 * - `stop`: the step succeeded and the run (inside a Fan Out: the item) ends Stopped here (a
 *   Condition that does not hold, with no Otherwise steps);
 * - `fail`: the step and its run fail with `error`;
 * - `wait_children`: the step runs its per-item list once for each of `items`, at most
 *   `concurrency` at once, and ends when all have (a Fan Out); `onItemFailure` says whether a
 *   failed item fails it or is reported in its output.
 * `attempt` is what the try sent and received (a Request step's); `note` what Test says of it.
 */
export type StepOutcome =
  | { kind: "next"; output: Record<string, unknown>; resumeAt?: Date; into?: string; note?: string; attempt?: StepAttemptDetails }
  | { kind: "retry"; at: Date; error: string; attempt?: StepAttemptDetails }
  | { kind: "stop"; output: Record<string, unknown>; note?: string }
  | { kind: "fail"; error: string; output?: Record<string, unknown>; attempt?: StepAttemptDetails }
  | { kind: "wait_children"; items: unknown[]; concurrency: number; onItemFailure: "fail" | "continue" };

/** A resource's connection session as a step uses it: a run's is the run's user's (or the app's) on the published resource, Test's the test connection on the draft. */
export type StepSend = (call: ApiCall) => Promise<{ request: DescribedRequest; response: StepResponse }>;

/** What a try of a step is given: the only difference between a run and the editor's Test. */
export interface StepRunContext {
  /** The variables: the trigger's input, the user, the outputs of the steps before. */
  variables: RunContext;
  /** This try's number, from 1 (Test tries once). */
  attempt: number;
  /** Now, in ms since the epoch (a Delay's resumeAt, a retry's time). */
  now(): number;
  /** The Idempotency-Key a request of this step sends: the same on every try (run + step). */
  idempotencyKey: string;
  /** The session to send through a resource's connection, or why there is none (the resource is gone). */
  session(resourceId: string): Promise<{ send: StepSend } | { error: string }>;
  /** Answers the run's caller (a Response step): false when the run has answered already. */
  respond(answer: RunAnswer): Promise<boolean>;
}

/** What a Response step answers a Request trigger's caller waiting with `?wait=true`. */
export interface RunAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** What a step's save checks know: the project's published resources and the workflow's trigger. */
export type StepCheckContext = Pick<VariableContext, "resources"> & { trigger: { kind: string } | null };

/**
 * One step type. Its stored shape is `schema`'s output: what db/workflow-definition.ts stores and
 * a workflow document exports. A step that holds steps of its own (a Condition's branches, a Fan
 * Out's body) names those fields in `lists` and gives each the schema of ./step-list.ts; the walk
 * over the tree is lib/workflows/tree.ts.
 */
export interface StepModule<
  Type extends string = string,
  Schema extends z.ZodObject = z.ZodObject,
  Choice = unknown,
  Editor extends z.ZodObject = Schema,
> {
  type: Type;
  /** The type's name: the run page's label and, unless `title` says otherwise, the editor's and the Add step menu's. */
  label: string;
  /** The fields holding lists of steps (a Condition's When true and Otherwise), in the order the tree walks them. */
  lists?: readonly StepListField[];
  /** False when the step may not stand in a Fan Out's steps for each item (another Fan Out; a Response, which answers once). */
  perItem?: false;
  /** The stored step, validated as every save (editor, config routes, import) validates it. */
  schema: Schema;
  /** What the editor's form holds for the step: its output must be the stored step (for the three types so far, the stored schema itself). */
  editorSchema: Editor;
  /** The step's name in the editor: "TaskLab Request" for a Request step on TaskLab. */
  title(step: Partial<z.input<Schema>>, resourceName: (resourceId: string) => string | undefined): string;
  /** The Add step menu's entries (one per published resource for a Request step), in `group` ("resources" first). */
  addStep: {
    group: "resources" | "steps";
    choices(resources: readonly { id: string; name: string }[]): { label: string; choice: Choice }[];
  };
  /** The step Add step appends, with a free key. */
  create(key: string, choice: Choice): z.output<Schema>;
  /** The templates of a step, by field path within the step (for error paths). */
  templates(step: z.output<Schema>): [string, string][];
  /** Save-time checks beyond templates, by field path; `templateErrors` are those its templates already have. */
  check?(step: z.output<Schema>, context: StepCheckContext, templateErrors: Readonly<Record<string, string>>): Record<string, string>;
  /** The resources a step sends through: a user's connection to them gives `user.*`. */
  resourceIds?(step: z.output<Schema>): string[];
  /** The variables the step gives the steps after it, from its last Test output (undefined before one). */
  variables(step: z.output<Schema>, lastTestOutput: unknown): AvailableVariables;
  /** The step key field's hint: what later steps read of it. */
  keyHint?(key: string): string;
  /** What the step does, in a few words, as the run page shows it: "POST /tasks", "Wait 60 s". */
  summary(step: z.output<Schema>): string;
  /** One try of the step. A template that does not render is a `fail`, never a throw. */
  run(step: z.output<Schema>, context: StepRunContext): Promise<StepOutcome>;
}

/** A step type's module, typed from its schema. */
export function defineStep<Type extends string, Schema extends z.ZodObject, Choice, Editor extends z.ZodObject = Schema>(
  module: StepModule<Type, Schema, Choice, Editor>,
): StepModule<Type, Schema, Choice, Editor> {
  return module;
}

/** No variables: what a step that gives later steps nothing lists. */
export const NO_VARIABLES: AvailableVariables = { names: [], openPrefixes: [] };
