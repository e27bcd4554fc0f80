import { listVisibleResourceTools, type VisibleResourceTool } from "@/db/queries/resource-tools";
import type { ResourceTool } from "@/db/schema";
import type { ApiRequestInput } from "@/lib/connections/request";
import { requestThroughResource } from "@/lib/connections/request";
import { AppError } from "@/lib/errors";
import type { SourcedTool, ToolContext, ToolResult, ToolSource } from "./types";

// Tools from OpenAPI operations (resource tab Tools): a call is one request through the calling
// user's connection session, exactly as the request API sends it (requestThroughResource:
// refresh under a lease, the outbound address policy, retries, the 401 count).

/** How much of an API's failing answer a tool error quotes. */
const EXCERPT_CHARS = 500;

function reconnectMessage(resourceName: string): string {
  return `This user's connection to ${resourceName} is no longer valid: they must connect again before this tool works.`;
}

/** An argument as a path, query or header value: a string as it is, a number or boolean as text, anything else as JSON. */
function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item !== "object" || item === null)) return value.map(String).join(",");
  return JSON.stringify(value);
}

const segmentsOf = (path: string) => new URL(path, "http://tool.invalid").pathname.split("/").length;

/**
 * The request for `args` (already checked against the tool's input schema): each path parameter
 * percent-encoded as one segment (`../admin` is `..%2Fadmin`; `.` and `..` are refused), only the
 * operation's own query and header parameters, and `body` as JSON. Answers a problem instead when
 * an argument cannot be sent.
 */
export function buildOperationRequest(
  tool: Pick<ResourceTool, "method" | "path" | "parameters">,
  args: Record<string, unknown>,
): ApiRequestInput | string {
  let path = tool.path;
  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  for (const parameter of tool.parameters.params) {
    const value = args[parameter.arg];
    if (parameter.in === "path") {
      if (value === undefined || value === null) return `/${parameter.arg}: is required`;
      const text = asText(value);
      if (text === "" || text === "." || text === "..") return `/${parameter.arg}: cannot be "${text}": it is one segment of the path`;
      path = path.split(`{${parameter.name}}`).join(encodeURIComponent(text));
    } else if (value !== undefined) {
      (parameter.in === "query" ? query : headers)[parameter.name] = asText(value);
    }
  }
  // Each parameter stays one segment: the path the URL parser makes has as many as the template.
  if (segmentsOf(path) !== segmentsOf(tool.path)) return "The path parameters would change the path's segments.";
  const body = tool.parameters.body && args.body !== undefined ? JSON.stringify(args.body) : undefined;
  return {
    method: tool.method as ApiRequestInput["method"],
    path,
    ...(Object.keys(query).length ? { query } : {}),
    ...(Object.keys(headers).length ? { headers } : {}),
    ...(body === undefined ? {} : { body }),
  };
}

function excerpt(body: unknown): string {
  const text = typeof body === "string" ? body : (JSON.stringify(body) ?? "");
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

async function callOperation(context: ToolContext, visible: VisibleResourceTool, args: Record<string, unknown>): Promise<ToolResult> {
  const { tool } = visible;
  if (visible.connection?.status === "INVALID")
    return { isError: true, code: "reconnect_needed", message: reconnectMessage(visible.resourceName) };
  const input = buildOperationRequest(tool, args);
  if (typeof input === "string") return { isError: true, code: "invalid_arguments", message: input };
  try {
    const response = await requestThroughResource({
      project: context.project,
      resourceId: tool.resourceId,
      // An App-Level resource's tools are listed only when the team offers them to every user
      // (Offer to every user): the call then uses the app's credentials, as its backend may.
      caller: visible.level === "app" ? { kind: "backend", userId: context.userId } : context.caller,
      connection: visible.connection,
      input,
    });
    if (response.status >= 200 && response.status < 300) return { isError: false, status: response.status, body: response.body };
    const quoted = excerpt(response.body);
    return {
      isError: true,
      code: "api_error",
      status: response.status,
      message: `The API answered ${response.status}${quoted ? `: ${quoted}` : "."}`,
    };
  } catch (error) {
    if (error instanceof AppError) {
      const message = error.code === "reconnect_needed" ? reconnectMessage(visible.resourceName) : error.message;
      return { isError: true, code: error.code, message };
    }
    throw error;
  }
}

function toSourced(context: ToolContext, visible: VisibleResourceTool): SourcedTool {
  const { tool } = visible;
  const description =
    visible.connection?.status === "INVALID" ? `${reconnectMessage(visible.resourceName)}\n\n${tool.description}` : tool.description;
  return {
    name: tool.name,
    description,
    inputSchema: tool.inputSchema,
    ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
    call: (args) => callOperation(context, visible, args),
  };
}

/** The enabled operations of resources the user has a connection to, and of App-Level resources offered to every user. */
export const operationTools: ToolSource = {
  async list(context) {
    const visible = await listVisibleResourceTools({ projectId: context.project.id, userId: context.userId });
    return visible.map((entry) => toSourced(context, entry));
  },
  async find(context, name) {
    const [visible] = await listVisibleResourceTools({ projectId: context.project.id, userId: context.userId, name });
    return visible ? toSourced(context, visible) : undefined;
  },
};
