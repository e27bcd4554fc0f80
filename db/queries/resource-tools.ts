import "server-only";
import { and, asc, eq, isNotNull, notInArray, or, sql } from "drizzle-orm";
import { getDb, preparedStatement } from "../client";
import {
  type Connection,
  connections,
  resources,
  resourceTools,
  type Resource,
  type ResourceTool,
  type StoredToolParameters,
} from "../schema";
import { type AuditActor, recordAuditEvent } from "./audit-events";
import { KIND_IS } from "./connections";
import { isUniqueViolation } from "./errors";
import { findToolNameHolder } from "./workflows";

// A resource's tools (resource tab Tools): the operations of its imported OpenAPI document, each
// turned on by the team; and who sees which (lib/tools/operation-tools.ts).

/** One operation of an imported document, as lib/tools/openapi-import.ts reads it (its name unique in the document). */
export interface OperationRow {
  operationKey: string;
  method: string;
  path: string;
  name: string;
  summary: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown> | undefined;
  parameters: StoredToolParameters;
}

const ENABLED_NAME_KEY = "resource_tools_project_enabled_name_key";

/** Another enabled tool of the project already has this name, or it is a name Switchboard's own tools take. */
export type ToolNameConflict = { conflict: "name" | "reserved" };

const resourceObject = (resource: Pick<Resource, "id" | "name">) => ({ type: "resource", id: resource.id, name: resource.name });
const toolObject = (resource: Pick<Resource, "name">, tool: Pick<ResourceTool, "id" | "name">) => ({
  type: "tool",
  id: tool.id,
  name: `${resource.name}: ${tool.name}`,
});

export async function listResourceTools({ projectId, resourceId }: { projectId: string; resourceId: string }): Promise<ResourceTool[]> {
  const db = await getDb();
  return db
    .select()
    .from(resourceTools)
    .where(and(eq(resourceTools.projectId, projectId), eq(resourceTools.resourceId, resourceId)))
    .orderBy(asc(resourceTools.position));
}

/**
 * Replaces the resource's operations with an imported document's, in one transaction with its
 * audit event. An operation whose key (method and path) was there before keeps its row, its name
 * and whether it is on; a new one is off, named as `name` proposes unless a kept name has it
 * (then `pickName` chooses). Answers undefined when the project has no such resource.
 */
export async function replaceResourceTools({
  projectId,
  resourceId,
  operations,
  pickName,
  actor,
}: {
  projectId: string;
  resourceId: string;
  operations: readonly OperationRow[];
  /** A name for `proposed` that is not in `taken`. */
  pickName: (proposed: string, taken: ReadonlySet<string>) => string;
  actor: AuditActor;
}): Promise<{ tools: ResourceTool[]; kept: number; added: number; removed: number } | undefined> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    // Locks the resource: two imports of one resource run one after the other.
    const [resource] = await tx
      .select()
      .from(resources)
      .where(and(eq(resources.projectId, projectId), eq(resources.id, resourceId)))
      .for("update");
    if (!resource) return undefined;
    const existing = await tx.select().from(resourceTools).where(eq(resourceTools.resourceId, resourceId));
    const byKey = new Map(existing.map((tool) => [tool.operationKey, tool]));
    const keys = operations.map((operation) => operation.operationKey);
    const kept = operations.filter((operation) => byKey.has(operation.operationKey));
    const taken = new Set(kept.map((operation) => byKey.get(operation.operationKey)!.name));
    const removed = existing.filter((tool) => !keys.includes(tool.operationKey)).length;
    await tx
      .delete(resourceTools)
      .where(
        keys.length
          ? and(eq(resourceTools.resourceId, resourceId), notInArray(resourceTools.operationKey, keys))
          : eq(resourceTools.resourceId, resourceId),
      );
    const tools: ResourceTool[] = [];
    for (const [position, operation] of operations.entries()) {
      const before = byKey.get(operation.operationKey);
      const fields = {
        method: operation.method,
        path: operation.path,
        summary: operation.summary,
        description: operation.description,
        inputSchema: operation.inputSchema,
        outputSchema: operation.outputSchema ?? null,
        parameters: operation.parameters,
        position,
        updatedAt: sql`now()`,
      };
      if (before) {
        const [row] = await tx.update(resourceTools).set(fields).where(eq(resourceTools.id, before.id)).returning();
        tools.push(row!);
        continue;
      }
      const name = pickName(operation.name, taken);
      taken.add(name);
      const [row] = await tx
        .insert(resourceTools)
        .values({ projectId, resourceId, operationKey: operation.operationKey, name, ...fields })
        .returning();
      tools.push(row!);
    }
    const added = operations.length - kept.length;
    await recordAuditEvent(tx, {
      projectId,
      actor,
      action: "resource.tools_imported",
      object: resourceObject(resource),
      changes: [`${operations.length} operations: ${added} added, ${kept.length} kept, ${removed} removed`],
    });
    return { tools, kept: kept.length, added, removed };
  });
}

/**
 * Turns one of the resource's tools on or off, and (when given) renames it, with its audit
 * events. Answers the tool, a name conflict (another enabled tool of the project has the name),
 * or undefined when there is no such tool.
 */
export async function updateResourceTool({
  projectId,
  resourceId,
  toolId,
  enabled,
  name,
  reservedNames = [],
  actor,
}: {
  projectId: string;
  resourceId: string;
  toolId: string;
  enabled?: boolean;
  name?: string;
  /** Names an enabled tool may not have (get_run_status, offered with workflow tools). */
  reservedNames?: readonly string[];
  actor: AuditActor;
}): Promise<ResourceTool | ToolNameConflict | undefined> {
  const db = await getDb();
  try {
    return await db.transaction(async (tx) => {
      const [found] = await tx
        .select({ tool: resourceTools, resource: resources })
        .from(resourceTools)
        .innerJoin(resources, eq(resources.id, resourceTools.resourceId))
        .where(and(eq(resourceTools.projectId, projectId), eq(resourceTools.resourceId, resourceId), eq(resourceTools.id, toolId)))
        .for("update", { of: resourceTools });
      if (!found) return undefined;
      const { tool: before, resource } = found;
      // Unique across the project's tools: the index keeps enabled operations' names apart, this a workflow's exposed as a tool.
      if (enabled ?? before.enabled) {
        const finalName = name ?? before.name;
        if (reservedNames.includes(finalName)) return { conflict: "reserved" } satisfies ToolNameConflict;
        if (await findToolNameHolder({ projectId, name: finalName, exceptToolId: toolId }, tx))
          return { conflict: "name" } satisfies ToolNameConflict;
      }
      const [row] = await tx
        .update(resourceTools)
        .set({ ...(enabled === undefined ? {} : { enabled }), ...(name === undefined ? {} : { name }), updatedAt: sql`now()` })
        .where(eq(resourceTools.id, toolId))
        .returning();
      const tool = row!;
      if (name !== undefined && name !== before.name) {
        await recordAuditEvent(tx, { projectId, actor, action: "tool.renamed", object: toolObject(resource, tool), changes: ["name"] });
      }
      if (enabled !== undefined && enabled !== before.enabled) {
        await recordAuditEvent(tx, {
          projectId,
          actor,
          action: enabled ? "tool.enabled" : "tool.disabled",
          object: toolObject(resource, tool),
        });
      }
      return tool;
    });
  } catch (error) {
    if (isUniqueViolation(error, ENABLED_NAME_KEY)) return { conflict: "name" };
    throw error;
  }
}

/** Offer to every user (an App-Level resource's tools for every Connected User), with its audit event; undefined when there is no such resource. */
export async function setOfferToolsToEveryUser({
  projectId,
  resourceId,
  offer,
  actor,
}: {
  projectId: string;
  resourceId: string;
  offer: boolean;
  actor: AuditActor;
}): Promise<Resource | undefined> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ offer: resources.offerToolsToEveryUser })
      .from(resources)
      .where(and(eq(resources.projectId, projectId), eq(resources.id, resourceId)))
      .for("update");
    if (!before) return undefined;
    const [row] = await tx
      .update(resources)
      .set({ offerToolsToEveryUser: offer })
      .where(and(eq(resources.projectId, projectId), eq(resources.id, resourceId)))
      .returning();
    if (before.offer !== offer) {
      await recordAuditEvent(tx, {
        projectId,
        actor,
        action: offer ? "resource.tools_offered" : "resource.tools_unoffered",
        object: resourceObject(row!),
        changes: ["Offer to every user"],
      });
    }
    return row;
  });
}

/** An enabled tool a user may see, with its resource's level and the user's connection (null: App-Level). */
export interface VisibleResourceTool {
  tool: ResourceTool;
  resourceName: string;
  level: "user" | "app";
  /** The user's connection to a User-Level resource, read with the tool so that a call need not read it again. */
  connection: Connection | null;
}

// Prepared: a tool call (MCP, the Tools API) reads its tool with this on every call; drizzle then
// builds its SQL once. A null name lists them all.
const preparedVisibleResourceTools = preparedStatement((db) => {
  const level = sql<"user" | "app">`${resources.published} ->> 'level'`;
  return db
    .select({ tool: resourceTools, resourceName: resources.name, level, connection: connections })
    .from(resourceTools)
    .innerJoin(resources, and(eq(resources.id, resourceTools.resourceId), eq(resources.projectId, resourceTools.projectId)))
    .leftJoin(
      connections,
      and(eq(connections.resourceId, resourceTools.resourceId), KIND_IS.user, eq(connections.userId, sql.placeholder("userId"))),
    )
    .where(
      and(
        eq(resourceTools.projectId, sql.placeholder("projectId")),
        // A literal, so that the partial index on enabled tools' names serves it.
        sql`${resourceTools.enabled}`,
        eq(resources.status, "published"),
        sql`(${sql.placeholder("name")}::text is null or ${resourceTools.name} = ${sql.placeholder("name")}::text)`,
        or(and(sql`${level} = 'user'`, isNotNull(connections.id)), and(sql`${level} = 'app'`, sql`${resources.offerToolsToEveryUser}`)),
      ),
    )
    .orderBy(asc(resourceTools.name))
    .prepare("visible_resource_tools");
});

/**
 * The enabled tools of published resources that `userId` sees, by name: those of User-Level
 * resources the user has a connection to (VALID or INVALID), and those of App-Level resources
 * offered to every user. `name` narrows them to one (a call).
 */
export async function listVisibleResourceTools({
  projectId,
  userId,
  name,
}: {
  projectId: string;
  userId: string;
  name?: string;
}): Promise<VisibleResourceTool[]> {
  return preparedVisibleResourceTools(await getDb()).execute({ projectId, userId, name: name ?? null });
}

/** An enabled operation tool of the project (Settings → Agents), with where it comes from. */
export interface ProjectOperationTool {
  id: string;
  name: string;
  method: string;
  path: string;
  summary: string;
  resourceId: string;
  resourceName: string;
  /** The published resource's level: null while it is not published (its tools are then offered to no one). */
  level: "user" | "app" | null;
  offerToEveryUser: boolean;
}

/**
 * The project's enabled operation tools, by name: what agents may be offered (a User-Level
 * resource's to its connected users, an App-Level one's only with Offer to every user).
 */
export async function listProjectOperationTools({ projectId }: { projectId: string }): Promise<ProjectOperationTool[]> {
  const db = await getDb();
  const published = sql<boolean>`${resources.status} = 'published'`;
  const rows = await db
    .select({
      id: resourceTools.id,
      name: resourceTools.name,
      method: resourceTools.method,
      path: resourceTools.path,
      summary: resourceTools.summary,
      resourceId: resources.id,
      resourceName: resources.name,
      level: sql<"user" | "app" | null>`${resources.published} ->> 'level'`,
      published,
      offerToEveryUser: resources.offerToolsToEveryUser,
    })
    .from(resourceTools)
    .innerJoin(resources, and(eq(resources.id, resourceTools.resourceId), eq(resources.projectId, resourceTools.projectId)))
    .where(and(eq(resourceTools.projectId, projectId), sql`${resourceTools.enabled}`))
    .orderBy(asc(resourceTools.name));
  return rows.map(({ published: isPublished, level, ...row }) => ({ ...row, level: isPublished ? level : null }));
}
