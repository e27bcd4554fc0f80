import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

// The process's one Prometheus registry (served by GET /api/metrics). Recording is synchronous
// and in memory only, so the latency-critical routes (intake, the request API) pay no await and
// no query for it. Labels take bounded values only: route patterns, methods, status codes,
// outcome names and error codes, never an id or a URL.

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: "switchboard_http_requests_total",
      help: "Requests answered by the API routes, by route pattern, method and status.",
      labelNames: ["route", "method", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "switchboard_http_request_duration_seconds",
      help: "Time to answer an API route request, by route pattern and method.",
      labelNames: ["route", "method"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    tokenRefreshes: new Counter({
      name: "switchboard_token_refreshes_total",
      help: "Calls to a token endpoint to refresh a connection's access token, by outcome.",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    workflowRuns: new Counter({
      name: "switchboard_workflow_runs_finished_total",
      help: "Workflow runs that ended, by final status.",
      labelNames: ["status"] as const,
      registers: [registry],
    }),
    webhookEvents: new Counter({
      name: "switchboard_webhook_events_total",
      help: "Webhook deliveries received by the intake, by outcome (or the error code they were refused with).",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    webhookEventsDropped: new Counter({
      name: "switchboard_webhook_events_dropped_total",
      help: "Rejected webhook deliveries answered but not stored (over 100 rejected events per resource per minute), by the error code they were refused with.",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    toolCalls: new Counter({
      name: "switchboard_tool_calls_total",
      help: "Tool calls (Tools API and MCP), by tool name and outcome (ok, or the error code of the tool's failure).",
      labelNames: ["tool", "outcome"] as const,
      registers: [registry],
    }),
    toolDuration: new Histogram({
      name: "switchboard_tool_call_duration_seconds",
      help: "Time to answer a tool call, by tool name.",
      labelNames: ["tool"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    queueJobs: new Gauge({
      name: "switchboard_queue_jobs",
      help: "Jobs in this process's job queues at the last scrape (pg-boss's counts), by queue and state.",
      labelNames: ["queue", "state"] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

// Once per process: Next's dev server reloads modules, and default metrics may be collected only once.
const globalForMetrics = globalThis as typeof globalThis & { switchboardMetrics?: Metrics };

export const metrics: Metrics = (globalForMetrics.switchboardMetrics ??= createMetrics());

export function recordHttpRequest({
  route,
  method,
  status,
  seconds,
}: {
  route: string;
  method: string;
  status: number;
  seconds: number;
}): void {
  metrics.httpRequests.inc({ route, method, status: String(status) });
  metrics.httpDuration.observe({ route, method }, seconds);
}

export type TokenRefreshOutcome = "refreshed" | "invalid_grant" | "failed" | "superseded";

export function countTokenRefresh(outcome: TokenRefreshOutcome): void {
  metrics.tokenRefreshes.inc({ outcome });
}

export type FinishedRunStatus = "succeeded" | "failed" | "stopped" | "cancelled";

export function countFinishedRun(status: FinishedRunStatus): void {
  metrics.workflowRuns.inc({ status });
}

/** A stored event's outcome, or the error code (from the catalogue) it was refused with. */
export function countWebhookEvent(outcome: string): void {
  metrics.webhookEvents.inc({ outcome });
}

/** A rejected event not stored (its resource's rejected events are over the limit this minute), by the error code it was refused with. */
export function countDroppedWebhookEvent(reason: string): void {
  metrics.webhookEventsDropped.inc({ reason });
}

/** A tool call that reached a tool (an unknown name counts nowhere: names are the team's tools only), by outcome. */
export function recordToolCall({ tool, outcome, seconds }: { tool: string; outcome: string; seconds: number }): void {
  metrics.toolCalls.inc({ tool, outcome });
  metrics.toolDuration.observe({ tool }, seconds);
}
