// The shapes of a workflow as the database stores it (jsonb). lib/workflows/definition.ts
// validates them with zod; its output types must stay assignable to these. Steps are the step
// modules' own (lib/workflows/steps).

/** A Request-triggered workflow exposed as a tool (Agents): what an agent calls it by and the JSON Schema (an object's) of its arguments. */
export interface StoredWorkflowTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** What starts a workflow's runs; `resource_event` is a Resource Trigger ("TaskLab Triggers → task.created"). A Request trigger with `tool` is exposed as a tool. */
export type StoredTrigger =
  | { kind: "app_event"; eventName: string }
  | { kind: "request"; tool?: StoredWorkflowTool }
  | { kind: "scheduler"; cron: string; timeZone: string }
  | { kind: "resource_event"; resourceId: string; eventType: string };

export interface StoredKeyValue {
  name: string;
  value: string;
}

/**
 * Each step type's stored shape, by type. db/ imports nothing of ours, so it cannot read the step
 * modules; instead the step registry (lib/workflows/steps/index.ts) tells it their shapes by
 * augmenting this interface, built from its list of modules.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by module augmentation
export interface StoredStepTypes {}

/**
 * A step, as its type's module (lib/workflows/steps/<type>.ts) stores it: the union of the
 * modules' stored schemas, so a new step type is stored without a change here.
 */
export type StoredStep = StoredStepTypes[keyof StoredStepTypes];

export interface StoredWorkflowDefinition {
  trigger: StoredTrigger | null;
  steps: StoredStep[];
}

/** What started a run: a trigger's kind, or `tool_call` (a Request-triggered workflow called as a tool: input { body }). */
export type StoredRunTriggerKind = StoredTrigger["kind"] | "tool_call";

/** What started a run: the trigger's kind and its input (the `trigger.*` variables). */
export interface StoredRunTrigger {
  kind: StoredRunTriggerKind;
  input: Record<string, unknown>;
}

/** What a Response step answered a Request trigger's caller. */
export interface StoredRunAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** One try of a step. */
export interface StoredStepAttempt {
  startedAt: string;
  durationMs: number;
  /** The request as sent, secrets masked. */
  request?: { method: string; url: string; headers: [string, string][]; body: string | undefined };
  status?: number;
  error?: string;
}
