import { currentRequest } from "@/lib/api/request-context";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { recordToolCall } from "@/lib/metrics/registry";
import { answerProblem, argumentProblem } from "./input-validation";
import { toolNotFoundMessage } from "./names";
import { operationTools } from "./operation-tools";
import type { SourcedTool, ToolContext, ToolDefinition, ToolResult, ToolSource } from "./types";
import { workflowTools } from "./workflow-tools";

// The tools one Connected User has (Agents: the Tools API and MCP), merged from each source.
// A tool name is unique in the project across sources (an enabled operation's name, a workflow's
// exposed as a tool: checked when either is saved); get_run_status is the workflow source's own,
// a name no operation tool may take when on.

// Operations first: a call of one (the hot path) reads no workflow.
const SOURCES: readonly ToolSource[] = [operationTools, workflowTools];

const definitionOf = ({ name, description, inputSchema, outputSchema }: SourcedTool): ToolDefinition => ({
  name,
  description,
  inputSchema,
  ...(outputSchema ? { outputSchema } : {}),
});

/** Every tool the user sees, by name. */
export async function listTools(context: ToolContext): Promise<ToolDefinition[]> {
  const lists = await Promise.all(SOURCES.map((source) => source.list(context)));
  const seen = new Set<string>();
  const tools: ToolDefinition[] = [];
  for (const tool of lists.flat()) {
    if (seen.has(tool.name)) continue;
    seen.add(tool.name);
    tools.push(definitionOf(tool));
  }
  return tools.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function findTool(context: ToolContext, name: string): Promise<SourcedTool | undefined> {
  for (const source of SOURCES) {
    const tool = await source.find(context, name);
    if (tool) return tool;
  }
  return undefined;
}

/** A 2xx answer checked against the output schema declared for it (undefined: none). */
function asDeclared(result: ToolResult & { isError: false }, schema: Record<string, unknown> | undefined): ToolResult {
  const problem = schema ? answerProblem(schema, result.body) : undefined;
  if (!problem) return result;
  return {
    isError: true,
    code: "unexpected_answer",
    status: result.status,
    message: `The API answered ${result.status}, but not as its document says (${problem}).`,
  };
}

/**
 * Calls the user's tool `name` with `args`: checked against its input schema (a failure names
 * the argument: `/body/title: must be string`), then run by its source. Throws tool_not_found
 * when the user has no such tool; every other failure is a result with `isError: true`. Each
 * call is counted by tool and outcome and writes one log line (never an argument's value).
 * `declaredOutput` (MCP, whose clients check `structuredContent` against the tool's outputSchema):
 * the output schema as the caller declared the tool's (undefined: none); a 2xx answer that breaks
 * it is a result with `isError: true`, code `unexpected_answer`.
 */
export async function callTool({
  name,
  args,
  declaredOutput,
  ...context
}: ToolContext & {
  name: string;
  args: Record<string, unknown>;
  declaredOutput?: (outputSchema: Record<string, unknown>) => Record<string, unknown> | undefined;
}): Promise<ToolResult> {
  const started = performance.now();
  const tool = await findTool(context, name);
  if (!tool) throw new AppError("tool_not_found", { message: toolNotFoundMessage(name) });
  let result: ToolResult | undefined;
  try {
    const problem = argumentProblem(tool.inputSchema, args);
    result = problem ? { isError: true, code: "invalid_arguments", message: problem } : await tool.call(args);
    if (!result.isError && declaredOutput && tool.outputSchema) result = asDeclared(result, declaredOutput(tool.outputSchema));
    return result;
  } finally {
    const seconds = (performance.now() - started) / 1000;
    const outcome = result ? (result.isError ? result.code : "ok") : "internal_error";
    recordToolCall({ tool: name, outcome, seconds });
    const call = {
      name,
      userId: context.userId,
      outcome,
      ...(result && "status" in result && result.status !== undefined ? { status: result.status } : {}),
      durationMs: Math.round(seconds * 10_000) / 10,
    };
    // One line per request: a call that ended goes on the request's own line (`tool`); one that
    // threw gets an error line of its own, and so does a call outside any route request.
    const request = currentRequest();
    if (result && request) request.logFields = { ...request.logFields, tool: call };
    else (result ? log.info : log.error).call(log, { tool: call }, "tool call");
  }
}
