// The shapes of a workflow as the database stores it (jsonb). lib/workflows/definition.ts
// validates them with zod; its output types must stay assignable to these.

/** What starts a workflow's runs; `resource_event` is a Resource Trigger ("TaskLab Triggers → task.created"). */
export type StoredTrigger =
  | { kind: "app_event"; eventName: string }
  | { kind: "request" }
  | { kind: "scheduler"; cron: string; timeZone: string }
  | { kind: "resource_event"; resourceId: string; eventType: string };

export interface StoredKeyValue {
  name: string;
  value: string;
}

export type StoredStep =
  | {
      key: string;
      type: "request";
      resourceId: string;
      method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
      path: string;
      query: StoredKeyValue[];
      headers: StoredKeyValue[];
      /** A JSON template: string values may hold {{ variables }}; empty sends no body. */
      body: string;
      /** Retry 5xx, 408, 429 and network errors with backoff (on by default). */
      retries: boolean;
    }
  | {
      key: string;
      type: "condition";
      left: string;
      operator: "equals" | "not_equals" | "contains" | "is_empty" | "is_not_empty";
      right: string;
    }
  | { key: string; type: "delay"; seconds: number };

export interface StoredWorkflowDefinition {
  trigger: StoredTrigger | null;
  steps: StoredStep[];
}

/** What started a run: the trigger's kind and its input (the `trigger.*` variables). */
export interface StoredRunTrigger {
  kind: StoredTrigger["kind"];
  input: Record<string, unknown>;
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
