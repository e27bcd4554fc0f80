import { z } from "zod";

// The Tools API's shapes (GET /sdk/tools, POST /sdk/tools/{toolName}): one source for the route
// handlers, the SDK's types (lib/sdk/index.test.ts checks they match) and the API documents.

export const toolSchema = z
  .object({
    name: z.string().meta({ description: "What the agent calls it by: ^[a-z][a-z0-9_]{0,63}$.", example: "create_task" }),
    description: z.string(),
    inputSchema: z.record(z.string(), z.unknown()).meta({ description: "A JSON Schema of an object: the tool's arguments." }),
    outputSchema: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: "A JSON Schema of what a successful call answers in content.body, when the API documents it." }),
  })
  .meta({ id: "Tool" });
export type ToolView = z.infer<typeof toolSchema>;

export const toolListSchema = z.object({ tools: z.array(toolSchema) }).meta({ id: "ToolList" });

export const toolArgumentsSchema = z.record(z.string(), z.unknown()).meta({
  id: "ToolArguments",
  description: "The tool's arguments, as its inputSchema describes them.",
  example: { body: { title: "Write the docs" } },
});

export const toolCallAnswerSchema = z
  .discriminatedUnion("isError", [
    z.object({
      isError: z.literal(false),
      content: z.object({
        status: z.number().int().meta({
          description:
            "The 2xx status the API answered; for a workflow tool, its Response step's status (200 with its last step's output when it has none), or 202 while its run is still going.",
        }),
        body: z.unknown().meta({
          description:
            'What the API answered: parsed JSON, else the text. For a workflow tool whose run goes on after 30 s: { "status": "running", "runId", "message" }; call get_run_status with that runId for its answer.',
        }),
      }),
    }),
    z.object({
      isError: z.literal(true),
      content: z.object({
        code: z.string().meta({
          description:
            "invalid_arguments (the arguments break the input schema; the message names the argument), api_error (the API answered 4xx/5xx), reconnect_needed (the user must connect again), upstream_unreachable (a timeout or network error); for a workflow tool workflow_error (its Response step answered 4xx/5xx), run_failed (the run failed: its error), run_cancelled, run_not_found (get_run_status: no run of this user with this id); or another error code.",
          example: "invalid_arguments",
        }),
        message: z.string().meta({ example: "/body/title: must be string" }),
        status: z.number().int().optional().meta({ description: "The API's status, when it answered." }),
      }),
    }),
  ])
  .meta({ id: "ToolCallResult" });
export type ToolCallAnswer = z.infer<typeof toolCallAnswerSchema>;
