import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import {
  type CallToolResult,
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { MAX_JSON_BODY_BYTES, parseJsonBody, readBodyWithin } from "@/lib/api/request-body";
import { publicUrl } from "@/lib/config/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { callTool, listTools } from "./registry";
import type { ToolContext, ToolDefinition, ToolResult } from "./types";

// The MCP endpoint (POST /projects/{projectId}/mcp): the calling user's tools over Streamable
// HTTP in stateless mode with JSON answers — a new server and transport for each request, no
// session, no SSE stream. tools/list is the registry's listTools, tools/call its callTool; every
// failure of a call (its arguments, the API's 4xx/5xx, a timeout, an unknown tool, our own bug)
// is a tool result with `isError: true`, never a protocol error.

export const MCP_SERVER_INFO = { name: "switchboard", version: "1.0.0" } as const;

// The SDK's Server makes an ajv instance of its own unless it is given one, compiling ajv's
// meta-schemas each time: with a server per request that was the largest single cost of a
// tools/call in the api bench's CPU profile (2026-12-07). It uses it only for elicitation, which
// we never send: one for the process.
const jsonSchemaValidator = new AjvJsonSchemaValidator();

/** What an unexpected failure tells the agent: nothing of its internals (they are logged). */
const INTERNAL_MESSAGE = "internal_error: Something went wrong on our side.";

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `schema` as an MCP outputSchema, which must describe an object: an object schema as it is; an
 * `allOf` one of whose members is an object schema (every instance is then an object) with
 * `type: "object"` made explicit; anything else (an array, a scalar, a union) none.
 */
export function mcpOutputSchema(schema: JsonObject | undefined): (JsonObject & { type: "object" }) | undefined {
  if (!schema) return undefined;
  if (schema.type === "object") return schema as JsonObject & { type: "object" };
  if (
    schema.type === undefined &&
    Array.isArray(schema.allOf) &&
    schema.allOf.some((member) => isObject(member) && member.type === "object")
  )
    return { ...schema, type: "object" };
  return undefined;
}

/** A tool as tools/list answers it. */
export function mcpTool({ name, description, inputSchema, outputSchema }: ToolDefinition): Tool {
  const output = mcpOutputSchema(outputSchema);
  return {
    name,
    description,
    // A tool's arguments are always an object (ToolDefinition); MCP wants it said.
    inputSchema: { ...inputSchema, type: "object" },
    ...(output ? { outputSchema: output } : {}),
  };
}

const failure = (text: string): CallToolResult => ({ isError: true, content: [{ type: "text", text }] });

/**
 * A ToolResult as tools/call answers it: the API's answer as JSON text, and as `structuredContent`
 * when it is a JSON object; a failure as `isError: true` with `code: message` (the API's status
 * when it answered).
 */
export function callToolResult(result: ToolResult): CallToolResult {
  if (result.isError) {
    const status = result.status === undefined ? "" : ` (status ${result.status})`;
    return failure(`${result.code}${status}: ${result.message}`);
  }
  const text = result.body === undefined ? "" : typeof result.body === "string" ? result.body : JSON.stringify(result.body);
  return {
    content: [{ type: "text", text }],
    ...(isObject(result.body) ? { structuredContent: result.body } : {}),
  };
}

/** The MCP server of one call: the tools of `context`'s user. */
function mcpServer(context: ToolContext): Server {
  const server = new Server(MCP_SERVER_INFO, {
    jsonSchemaValidator,
    capabilities: { tools: {} },
    instructions: "Each tool acts for one end user through their own connection to the team's API.",
  });
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    try {
      return { tools: (await listTools(context)).map(mcpTool) };
    } catch (error) {
      if (error instanceof AppError) throw new McpError(ErrorCode.InternalError, error.message);
      log.error({ error, userId: context.userId }, "MCP tools/list failed");
      throw new McpError(ErrorCode.InternalError, INTERNAL_MESSAGE);
    }
  });
  server.setRequestHandler(CallToolRequestSchema, async ({ params }) => {
    try {
      const result = await callTool({
        ...context,
        name: params.name,
        args: params.arguments ?? {},
        declaredOutput: mcpOutputSchema,
      });
      return callToolResult(result);
    } catch (error) {
      // tool_not_found, the database not answering…: the catalogue's code and message.
      if (error instanceof AppError) return failure(`${error.code}: ${error.message}`);
      log.error({ error, tool: params.name, userId: context.userId }, "MCP tools/call failed");
      return failure(INTERNAL_MESSAGE);
    }
  });
  return server;
}

/**
 * Answers one MCP POST for `context`'s user. The body is read here within the Connect API's
 * limits (64 KB, 64 levels deep) and handed to the SDK's transport parsed; a request that is not
 * JSON is left to the transport, which answers it (415) without reading it.
 */
export async function handleMcpRequest(context: ToolContext, request: Request): Promise<Response> {
  const isJson = /^application\/json\s*(;|$)/i.test((request.headers.get("content-type") ?? "").trim());
  const parsedBody = isJson
    ? parseJsonBody(await readBodyWithin(request, MAX_JSON_BODY_BYTES, `The body is over ${MAX_JSON_BODY_BYTES / 1024} KB.`))
    : undefined;
  const server = mcpServer(context);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  // Not closed afterwards: with JSON answers the transport answers once every handler has, and
  // neither keeps a timer, stream or listener, so nothing holds them once the answer is sent.
  // Closing costs each call an AbortController.abort() (a DOMException with its stack) for the
  // handler the SDK has not yet forgotten, and a ConnectionClosed error: ~5% of a tools/call's
  // CPU in a profile on this machine (2026-12-07).
  return transport.handleRequest(request, parsedBody === undefined ? undefined : { parsedBody });
}

/** The MCP endpoint of a project: its public URL, and (RFC 9728) where its protected-resource metadata is. */
export function mcpUrls(projectId: string, origin: string = publicUrl()): { resource: string; metadata: string } {
  const path = `/projects/${encodeURIComponent(projectId)}/mcp`;
  return { resource: `${origin}${path}`, metadata: `${origin}/.well-known/oauth-protected-resource${path}` };
}

/** An MCP client's configuration for the endpoint at `url`, sending the end user's User Token as a bearer token (JSON, as clients take it). */
export function mcpClientConfiguration(url: string): string {
  return JSON.stringify({ mcpServers: { switchboard: { url, headers: { Authorization: "Bearer <User Token>" } } } }, null, 2);
}
