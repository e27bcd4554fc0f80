"use server";

import { dashboardActor } from "@/lib/audit/audit-log";
import { changeResourceTool, importResourceTools, offerResourceTools } from "@/lib/tools/resource-tools";
import { importToolsSchema, offerToolsSchema, toolNameSchema, toolSwitchSchema } from "@/lib/tools/schema";
import { projectAction, type ActionResult } from "@/server/action";

// The resource tab Tools: an Owner's or Admin's changes, each with its Audit Log event.

/** Imports an OpenAPI document as the resource's operations (a refused document changes nothing). */
export const importTools = projectAction(
  importToolsSchema,
  async ({ projectId, resourceId, document }, { user }): Promise<ActionResult<{ added: number; kept: number; removed: number }>> => {
    const { added, kept, removed } = await importResourceTools({ projectId, resourceId, text: document, actor: dashboardActor(user) });
    return { ok: true, data: { added, kept, removed } };
  },
  { resourceEditor: true },
);

/** Turns one operation on or off as a tool. */
export const switchTool = projectAction(
  toolSwitchSchema,
  async ({ projectId, resourceId, toolId, enabled }, { user }): Promise<ActionResult> => {
    await changeResourceTool({ projectId, resourceId, toolId, enabled, actor: dashboardActor(user) });
    return { ok: true, data: undefined };
  },
  { resourceEditor: true },
);

/** Renames one operation's tool. */
export const renameTool = projectAction(
  toolNameSchema,
  async ({ projectId, resourceId, toolId, name }, { user }): Promise<ActionResult<{ name: string }>> => {
    const tool = await changeResourceTool({ projectId, resourceId, toolId, name, actor: dashboardActor(user) });
    return { ok: true, data: { name: tool.name } };
  },
  { resourceEditor: true },
);

/** Offer to every user (App-Level resources). */
export const offerTools = projectAction(
  offerToolsSchema,
  async ({ projectId, resourceId, offer }, { user }): Promise<ActionResult> => {
    await offerResourceTools({ projectId, resourceId, offer, actor: dashboardActor(user) });
    return { ok: true, data: undefined };
  },
  { resourceEditor: true },
);
