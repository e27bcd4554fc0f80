import { getResource } from "@/db/queries/resources";
import { replaceResourceTools, setOfferToolsToEveryUser, updateResourceTool } from "@/db/queries/resource-tools";
import type { Resource, ResourceTool } from "@/db/schema";
import type { AuditActor } from "@/lib/audit/audit-log";
import { AppError } from "@/lib/errors";
import { RUN_STATUS_TOOL_NAME } from "@/lib/workflows/workflow-tool";
import { TOOL_NAME_PATTERN, uniqueToolName } from "./names";
import { readOpenApiDocument } from "./openapi-import";

// What the resource tab Tools changes: the imported document's operations, each tool on or off
// and its name, and Offer to every user. The caller has authorized the team member.

/** The API Base URL requests go to: the published one (tool calls use it), else the draft's. */
function apiBaseUrl(resource: Resource): string {
  const baseUrl = resource.published?.config.request?.baseUrl ?? resource.config.request?.baseUrl;
  if (!baseUrl)
    throw new AppError("resource_not_ready", { message: "Save the Request Details step (its API Base URL) before importing tools." });
  return baseUrl;
}

async function resourceOf(projectId: string, resourceId: string): Promise<Resource> {
  const resource = await getResource({ projectId, resourceId });
  if (!resource) throw new AppError("resource_not_found", { message: "No resource with this ID in this project." });
  return resource;
}

/**
 * Imports an OpenAPI document (JSON or YAML text) as the resource's operations: everything is
 * read and checked first (lib/tools/openapi-import.ts), so a refused document stores nothing.
 */
export async function importResourceTools({
  projectId,
  resourceId,
  text,
  actor,
}: {
  projectId: string;
  resourceId: string;
  text: string;
  actor: AuditActor;
}): Promise<{ tools: ResourceTool[]; kept: number; added: number; removed: number }> {
  const operations = await readOpenApiDocument(text, { baseUrl: apiBaseUrl(await resourceOf(projectId, resourceId)) });
  const replaced = await replaceResourceTools({ projectId, resourceId, operations, pickName: uniqueToolName, actor });
  if (!replaced) throw new AppError("resource_not_found", { message: "No resource with this ID in this project." });
  return replaced;
}

/** Turns a tool on or off and/or renames it; a name another enabled tool of the project has is refused. */
export async function changeResourceTool({
  projectId,
  resourceId,
  toolId,
  enabled,
  name,
  actor,
}: {
  projectId: string;
  resourceId: string;
  toolId: string;
  enabled?: boolean;
  name?: string;
  actor: AuditActor;
}): Promise<ResourceTool> {
  if (name !== undefined && !TOOL_NAME_PATTERN.test(name)) {
    throw new AppError("invalid_input", {
      fields: { name: "Use 1 to 64 lowercase letters, digits and underscores, starting with a letter." },
    });
  }
  const changed = await updateResourceTool({ projectId, resourceId, toolId, enabled, name, reservedNames: [RUN_STATUS_TOOL_NAME], actor });
  if (!changed) throw new AppError("invalid_input", { message: "This resource has no such operation: import the document again." });
  if ("conflict" in changed) {
    throw new AppError("invalid_input", {
      fields: {
        name:
          changed.conflict === "reserved"
            ? `${RUN_STATUS_TOOL_NAME} is the name of Switchboard's own tool (offered with workflow tools): rename this one.`
            : "Another tool that is on in this project has this name (an operation or a workflow exposed as a tool): rename one of them.",
      },
    });
  }
  return changed;
}

/** Offer to every user: an App-Level resource's enabled tools for every Connected User (App-Level only). */
export async function offerResourceTools({
  projectId,
  resourceId,
  offer,
  actor,
}: {
  projectId: string;
  resourceId: string;
  offer: boolean;
  actor: AuditActor;
}): Promise<Resource> {
  const resource = await resourceOf(projectId, resourceId);
  const level = resource.published?.level ?? resource.level;
  if (offer && level !== "app") {
    throw new AppError("invalid_input", {
      message: "Offer to every user is for App-Level resources: a User-Level resource's tools use each user's own connection.",
    });
  }
  const changed = await setOfferToolsToEveryUser({ projectId, resourceId, offer, actor });
  if (!changed) throw new AppError("resource_not_found", { message: "No resource with this ID in this project." });
  return changed;
}
