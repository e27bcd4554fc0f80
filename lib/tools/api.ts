import type { SdkContext } from "@/lib/api/sdk-route";
import { AppError } from "@/lib/errors";
import { callTool } from "./registry";
import type { ToolCallAnswer } from "./api-schema";
import type { ToolContext, ToolResult } from "./types";

// The Tools API's shapes (GET /sdk/tools, POST /sdk/tools/{toolName}).

/** The calling user's tool context: a Secret Key call must name the user (X-Switchboard-User). */
export function toolContext({ project, userId, caller }: Pick<SdkContext, "project" | "userId" | "caller">): ToolContext {
  if (userId === undefined) throw new AppError("missing_user");
  return { project, userId, caller };
}

/**
 * What POST /sdk/tools/{toolName} answers (200 whenever the tool ran, whatever it answered):
 * - `{ isError: false, content: { status, body } }`: the API's 2xx status and its body (JSON parsed);
 * - `{ isError: true, content: { code, message, status? } }`: invalid_arguments (naming the
 *   argument), api_error (the API's status and an excerpt of its answer), reconnect_needed,
 *   upstream_unreachable (a timeout or network error), a workflow tool's workflow_error, run_failed,
 *   run_cancelled or run_not_found, or another code of the error catalogue.
 */
export function toolCallAnswer(result: ToolResult): ToolCallAnswer {
  if (!result.isError) return { isError: false, content: { status: result.status, body: result.body } };
  const { code, message, status } = result;
  return { isError: true, content: { code, message, ...(status === undefined ? {} : { status }) } };
}

/** Calls the tool the request's last path segment names, with `args`. */
export async function callToolAnswer(context: ToolContext, request: Request, args: Record<string, unknown>): Promise<ToolCallAnswer> {
  const segment = new URL(request.url).pathname.split("/").pop() ?? "";
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    throw new AppError("tool_not_found");
  }
  return toolCallAnswer(await callTool({ ...context, name, args }));
}
