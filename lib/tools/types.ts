import type { RequestCaller, SdkProject } from "@/lib/connections/request";

// What every source of tools (lib/tools/registry.ts merges them) gives and takes.

/** A tool as an agent sees it: its name, what it does, and the JSON Schemas of its arguments and (when known) its answer. */
export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
}

/**
 * What a call answers. A failure the agent can act on — arguments that break the schema, the
 * API's 4xx/5xx, a timeout, a connection to reconnect — is a result with `isError: true` and a
 * code, never a thrown error.
 */
export type ToolResult =
  | { isError: false; status: number; body: unknown }
  | {
      isError: true;
      /** invalid_arguments, api_error, reconnect_needed, upstream_unreachable, or another code of the error catalogue. */
      code: string;
      message: string;
      /** The API's status, when it answered. */
      status?: number;
    };

/** Who calls: the project (as of the configuration revision the call read), the Connected User, and the credential they came with. */
export interface ToolContext {
  project: SdkProject & { revision: number };
  userId: string;
  caller: RequestCaller;
}

/** A tool a source offers to one user, ready to call with checked arguments. */
export interface SourcedTool extends ToolDefinition {
  call(args: Record<string, unknown>): Promise<ToolResult>;
}

/** One source of tools (OpenAPI operations now; deployed workflows later). */
export interface ToolSource {
  /** Every tool of this source the user sees. */
  list(context: ToolContext): Promise<SourcedTool[]>;
  /** The user's tool with this name, if this source has it. */
  find(context: ToolContext, name: string): Promise<SourcedTool | undefined>;
}
