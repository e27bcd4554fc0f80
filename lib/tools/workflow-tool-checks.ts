import { findToolNameHolder } from "@/db/queries/workflows";
import type { StoredTrigger } from "@/db/workflow-definition";
import { compileInputSchema } from "./input-validation";

// The save-time checks of Expose as a tool that the editor's schema (lib/workflows/workflow-tool.ts)
// cannot make in the browser: the Input schema compiles with the validator calls are checked
// with (ajv), and the Tool name is no other tool's in the project.

/** Why `schema` is not a JSON Schema the tool's arguments can be checked with, in the validator's words; undefined when it compiles. */
export function inputSchemaProblem(schema: Record<string, unknown>): string | undefined {
  try {
    compileInputSchema(schema);
    return undefined;
  } catch (error) {
    return `This is not a valid JSON Schema: ${(error as Error).message}`;
  }
}

/**
 * Field errors ("trigger.tool.inputSchema", "trigger.tool.name") of a workflow's trigger exposed
 * as a tool; none when it is not exposed.
 */
export async function workflowToolProblems({
  projectId,
  workflowId,
  trigger,
}: {
  projectId: string;
  /** The workflow being saved (its own tool name is not a clash); undefined for a new one. */
  workflowId: string | undefined;
  trigger: StoredTrigger | null;
}): Promise<Record<string, string>> {
  if (trigger?.kind !== "request" || !trigger.tool) return {};
  const errors: Record<string, string> = {};
  const problem = inputSchemaProblem(trigger.tool.inputSchema);
  if (problem) errors["trigger.tool.inputSchema"] = problem;
  const holder = await findToolNameHolder({ projectId, name: trigger.tool.name, exceptWorkflowId: workflowId });
  if (holder) {
    errors["trigger.tool.name"] =
      holder.kind === "operation"
        ? `${trigger.tool.name} is already the name of a tool of ${holder.resourceName} (an OpenAPI operation turned on): choose another name, or rename that tool on its Tools tab.`
        : `${trigger.tool.name} is already the name of workflow ${holder.workflowName}'s tool: choose another name.`;
  }
  return errors;
}
