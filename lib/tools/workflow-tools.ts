import type { DeployedWorkflow } from "@/db/queries/workflow-runs";
import { listDeployedWorkflowTools } from "@/db/queries/workflows";
import type { StoredWorkflowTool } from "@/db/workflow-definition";
import { AppError } from "@/lib/errors";
import { isUuid } from "@/lib/uuid";
import { TOOL_CALL_WAIT_MS } from "@/lib/workflows/api-schema";
import { workflowsClosedTo } from "@/lib/workflows/starters";
import { readRequestRunResult, type RequestRunResult, startToolCallRun } from "@/lib/workflows/triggers";
import { RUN_STATUS_TOOL_NAME } from "@/lib/workflows/workflow-tool";
import type { SourcedTool, ToolContext, ToolResult, ToolSource } from "./types";

// Tools from workflows (Expose as a tool on a Request trigger): a deployed workflow whose
// deployed version exposes a tool, enabled for the calling user and one they may start (as the
// Request trigger's run route checks: lib/workflows/triggers.ts). A call is a run of the deployed
// version for the user with the arguments as `trigger.body` (trigger Tool call in Runs), waited
// for as `?wait=true` waits (the NOTIFY of an answer or an end) for at most TOOL_CALL_WAIT_MS; a
// run still going then is answered with its id, and get_run_status answers later.

/** How much of a workflow's failing answer a tool error quotes. */
const EXCERPT_CHARS = 500;

const runStatusInputSchema = {
  type: "object",
  properties: {
    runId: { type: "string", format: "uuid", description: "The runId a workflow tool answered with while its run was still going." },
  },
  required: ["runId"],
  additionalProperties: false,
} as const satisfies Record<string, unknown>;

const RUN_STATUS_DESCRIPTION =
  "How a run started by one of your workflow tools is going: its status and, once it has answered or ended, its answer. Call it with the runId a workflow tool answered with when its run was still going after 30 seconds.";

function excerpt(body: unknown): string {
  const text = typeof body === "string" ? body : (JSON.stringify(body) ?? "");
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

function stillRunning(runId: string, status = "running"): ToolResult {
  return {
    isError: false,
    status: 202,
    body: {
      status,
      runId,
      message: `The run is still going: call ${RUN_STATUS_TOOL_NAME} with {"runId": "${runId}"} later for its answer.`,
    },
  };
}

/** A run that failed or was cancelled, as a tool error with the run's own error. */
function endedWithoutAnswer(run: { id: string; status: string; error: string | null }): ToolResult {
  if (run.status === "cancelled") return { isError: true, code: "run_cancelled", message: `The run ${run.id} was cancelled.` };
  return { isError: true, code: "run_failed", message: `The run ${run.id} failed: ${run.error ?? "no error was recorded."}` };
}

/**
 * What a workflow tool answers for a run: its Response step's status and body (an answer of 4xx or
 * 5xx is a tool error quoting it), else once it ends its last step's output (a failed or cancelled
 * run is a tool error with the run's error), else that it is still running.
 */
async function toolResultOf(projectId: string, result: RequestRunResult): Promise<ToolResult> {
  switch (result.kind) {
    case "started":
      return stillRunning(result.runId);
    case "answered": {
      const { status, body } = result.answer;
      if (status < 400) return { isError: false, status, body: body ?? null };
      const quoted = excerpt(body);
      return { isError: true, code: "workflow_error", status, message: `The workflow answered ${status}${quoted ? `: ${quoted}` : "."}` };
    }
    case "ended": {
      const { runId, status, output } = result.answer;
      if (status === "succeeded" || status === "stopped") return { isError: false, status: 200, body: output };
      const run = (await readRequestRunResult({ projectId, runId }))?.run;
      return endedWithoutAnswer(run ?? { id: runId, status, error: null });
    }
  }
}

function asToolError(error: unknown): ToolResult {
  if (error instanceof AppError) return { isError: true, code: error.code, message: error.message };
  throw error;
}

function workflowTool(context: ToolContext, entry: DeployedWorkflow, tool: StoredWorkflowTool, waitMs: number): SourcedTool {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema,
    async call(args) {
      try {
        const result = await startToolCallRun({ projectId: context.project.id, caller: context.caller, entry, args, waitMs });
        return await toolResultOf(context.project.id, result);
      } catch (error) {
        return asToolError(error);
      }
    },
  };
}

/** get_run_status: a run of this user in this project (another user's run is not found, as a run that does not exist). */
function runStatusTool(context: ToolContext): SourcedTool {
  return {
    name: RUN_STATUS_TOOL_NAME,
    description: RUN_STATUS_DESCRIPTION,
    inputSchema: runStatusInputSchema,
    async call(args) {
      const notFound: ToolResult = {
        isError: true,
        code: "run_not_found",
        message: "This user has no run with this runId in this project.",
      };
      const runId = args.runId;
      if (!isUuid(runId)) return notFound;
      const found = await readRequestRunResult({ projectId: context.project.id, runId });
      if (!found || found.run.userId !== context.userId) return notFound;
      const { run, result } = found;
      if (result.kind === "started") return stillRunning(run.id, run.status);
      const answer = await toolResultOf(context.project.id, result);
      if (answer.isError) return answer;
      return {
        isError: false,
        status: 200,
        body: { runId: run.id, status: run.status, answer: { status: answer.status, body: answer.body } },
      };
    },
  };
}

/** The user's deployed workflow tools (one name: the one of that name) that they may start: a User Token is not offered those closed to it. */
async function workflowToolsOf(context: ToolContext, name?: string): Promise<{ entry: DeployedWorkflow; tool: StoredWorkflowTool }[]> {
  const entries = await listDeployedWorkflowTools({ projectId: context.project.id, userId: context.userId, name });
  const closed = await workflowsClosedTo({
    projectId: context.project.id,
    caller: context.caller,
    candidates: entries.map((entry) => ({ workflow: entry.workflow, definition: entry.version.definition })),
  });
  return entries.flatMap((entry) => {
    const trigger = entry.version.definition.trigger;
    return !closed.has(entry.workflow.id) && trigger?.kind === "request" && trigger.tool ? [{ entry, tool: trigger.tool }] : [];
  });
}

/**
 * The workflow tools source; `waitMs` is how long a call waits for its run's answer (the tests
 * shorten it: a run longer than the wait answers that it is running).
 */
export function workflowToolSource({ waitMs = TOOL_CALL_WAIT_MS }: { waitMs?: number } = {}): ToolSource {
  return {
    async list(context) {
      const found = await workflowToolsOf(context);
      const tools = found.map(({ entry, tool }) => workflowTool(context, entry, tool, waitMs));
      return tools.length ? [...tools, runStatusTool(context)] : [];
    },
    async find(context, name) {
      if (name === RUN_STATUS_TOOL_NAME) return (await workflowToolsOf(context)).length ? runStatusTool(context) : undefined;
      const [found] = await workflowToolsOf(context, name);
      return found ? workflowTool(context, found.entry, found.tool, waitMs) : undefined;
    },
  };
}

/** Deployed workflows exposed as tools, and get_run_status with them. */
export const workflowTools: ToolSource = workflowToolSource();
