import { listResourceTools } from "@/db/queries/resource-tools";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { changeResourceTool } from "@/lib/tools/resource-tools";

/** Turns on, as tools, the imported operations of a resource that have these names (Vitest and the bench). */
export async function enableResourceTools({
  projectId,
  resourceId,
  names,
}: {
  projectId: string;
  resourceId: string;
  names: readonly string[];
}): Promise<void> {
  for (const tool of await listResourceTools({ projectId, resourceId })) {
    if (names.includes(tool.name)) await changeResourceTool({ projectId, resourceId, toolId: tool.id, enabled: true, actor: SYSTEM_ACTOR });
  }
}
