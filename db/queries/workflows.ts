import "server-only";
import { and, asc, desc, eq, isNotNull, ne, or, type SQLWrapper, sql } from "drizzle-orm";
import { type Database, getDb, parseJsonb, type Transaction } from "../client";
import {
  resources,
  resourceTools,
  workflowUserSettings,
  workflowVersions,
  workflows,
  type AuditChanges,
  type Workflow,
  type WorkflowVersion,
} from "../schema";
import { type AuditActor, recordAuditEvent } from "./audit-events";
import type { StoredTrigger, StoredWorkflowDefinition, StoredWorkflowTool } from "../workflow-definition";

const jsonb = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

const workflowObject = (row: { id: string; name: string }) => ({ type: "workflow", id: row.id, name: row.name });

export async function createWorkflow({
  projectId,
  name,
  endUsersMayStart = false,
  draft = { trigger: null, steps: [] },
  sampleTrigger = {},
  actor,
}: {
  projectId: string;
  name: string;
  endUsersMayStart?: boolean;
  draft?: StoredWorkflowDefinition;
  sampleTrigger?: Record<string, unknown>;
  actor: AuditActor;
}): Promise<Workflow> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(workflows).values({ projectId, name, endUsersMayStart, draft, sampleTrigger }).returning();
    await recordAuditEvent(tx, { projectId, actor, action: "workflow.created", object: workflowObject(row!), changes: ["name"] });
    return row!;
  });
}

export async function getWorkflow({ projectId, workflowId }: { projectId: string; workflowId: string }): Promise<Workflow | undefined> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(workflows)
    .where(and(eq(workflows.projectId, projectId), eq(workflows.id, workflowId)));
  return row;
}

/**
 * A project's workflows for the Workflows list: the trigger in force (the deployed one, else
 * the draft's), with the name of a Resource Trigger's resource.
 */
export async function listWorkflows({ projectId }: { projectId: string }) {
  const db = await getDb();
  const triggerInForce = sql<StoredTrigger | null>`coalesce(${workflowVersions.definition} -> 'trigger', ${workflows.draft} -> 'trigger')`;
  const rows = await db
    .select({
      id: workflows.id,
      name: workflows.name,
      trigger: sql<StoredTrigger | null>`nullif(${triggerInForce}, 'null'::jsonb)`.mapWith(parseJsonb<StoredTrigger | null>),
      triggerResourceName: resources.name,
      deployedVersion: workflows.deployedVersion,
      draftChangedAt: workflows.draftChangedAt,
      deployedAt: workflows.deployedAt,
      updatedAt: workflows.updatedAt,
    })
    .from(workflows)
    .leftJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.deployedVersion)))
    .leftJoin(resources, and(eq(resources.projectId, workflows.projectId), sql`${resources.id}::text = ${triggerInForce} ->> 'resourceId'`))
    .where(eq(workflows.projectId, projectId))
    .orderBy(desc(workflows.updatedAt), asc(workflows.id));
  return rows.map((row) => ({ ...row, triggerKind: row.trigger?.kind ?? null }));
}

/**
 * Saves the editor's values. `draftChangedAt` moves only when the definition itself changed
 * (jsonb equality ignores key order), so saving an unchanged draft after a deploy, or renaming,
 * leaves no "Undeployed changes".
 */
export async function saveWorkflowDraft({
  projectId,
  workflowId,
  name,
  endUsersMayStart,
  draft,
  sampleTrigger,
  actor,
  changes,
}: {
  projectId: string;
  workflowId: string;
  name: string;
  /** Set with the draft by an as-code replace (the editor leaves it as it is). */
  endUsersMayStart?: boolean;
  draft: StoredWorkflowDefinition;
  sampleTrigger: Record<string, unknown>;
  actor: AuditActor;
  /** The fields that changed, recorded with the save when there are any. */
  changes: AuditChanges;
}): Promise<Workflow | undefined> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(workflows)
      .set({
        name,
        ...(endUsersMayStart === undefined ? {} : { endUsersMayStart }),
        draft,
        sampleTrigger,
        draftChangedAt: sql`case when ${workflows.draft} = ${jsonb(draft)} then ${workflows.draftChangedAt} else now() end`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(workflows.projectId, projectId), eq(workflows.id, workflowId)))
      .returning();
    if (row && changes.length)
      await recordAuditEvent(tx, { projectId, actor, action: "workflow.updated", object: workflowObject(row), changes });
    return row;
  });
}

/** Every step's outputs from the last Test, by step key: the variable menu lists their fields. */
export async function saveLastTestOutputs({
  projectId,
  workflowId,
  outputs,
}: {
  projectId: string;
  workflowId: string;
  outputs: Record<string, unknown>;
}): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .update(workflows)
    .set({ lastTestOutputs: outputs })
    .where(and(eq(workflows.projectId, projectId), eq(workflows.id, workflowId)))
    .returning({ id: workflows.id });
  return rows.length > 0;
}

const toolOf = (definition: StoredWorkflowDefinition | undefined): StoredWorkflowTool | undefined =>
  definition?.trigger?.kind === "request" ? definition.trigger.tool : undefined;

/** The audit event of a deploy that exposes the workflow as a tool, stops exposing it, or changes the tool (its changed fields). */
function toolChangeAction(
  before: StoredWorkflowTool | undefined,
  after: StoredWorkflowTool | undefined,
): { action: `workflow.${string}`; changes: string[] } | undefined {
  if (!before && !after) return undefined;
  if (!before) return { action: "workflow.tool_exposed", changes: [`tool ${after!.name}`] };
  if (!after) return { action: "workflow.tool_unexposed", changes: [`tool ${before.name}`] };
  const changes = (["name", "description", "inputSchema"] as const)
    .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .map((field) => `tool.${field}`);
  return changes.length ? { action: "workflow.tool_updated", changes } : undefined;
}

export type DeployOutcome = { version: WorkflowVersion } | { conflict: "not_found" | "draft_changed" };

/**
 * Freezes `definition` as the workflow's next version, in one transaction with the workflow
 * row locked: the version is the deployed one plus one, the trigger's kind and event name are
 * copied out for the triggers' index. Refuses (draft_changed) when the draft is no longer
 * `definition`, i.e. a save came in after the caller checked it.
 */
export async function deployWorkflowVersion({
  projectId,
  workflowId,
  definition,
  actor,
}: {
  projectId: string;
  workflowId: string;
  definition: StoredWorkflowDefinition;
  actor: AuditActor;
}): Promise<DeployOutcome> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({
        name: workflows.name,
        deployedVersion: workflows.deployedVersion,
        same: sql<boolean>`${workflows.draft} = ${jsonb(definition)}`,
      })
      .from(workflows)
      .where(and(eq(workflows.projectId, projectId), eq(workflows.id, workflowId)))
      .for("update");
    if (!current) return { conflict: "not_found" };
    if (!current.same) return { conflict: "draft_changed" };
    const trigger = definition.trigger;
    const [version] = await tx
      .insert(workflowVersions)
      .values({
        workflowId,
        version: (current.deployedVersion ?? 0) + 1,
        definition,
        triggerKind: trigger?.kind ?? "none",
        eventName: trigger?.kind === "app_event" ? trigger.eventName : trigger?.kind === "resource_event" ? trigger.eventType : null,
        triggerResourceId: trigger?.kind === "resource_event" ? trigger.resourceId : null,
      })
      .returning();
    await tx
      .update(workflows)
      .set({ deployedVersion: version!.version, deployedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(workflows.id, workflowId));
    await recordAuditEvent(tx, {
      projectId,
      actor,
      action: "workflow.deployed",
      object: workflowObject({ id: workflowId, name: current.name }),
      changes: ["deployedVersion"],
    });
    // Expose as a tool takes effect for agents with the deploy: audited then.
    const [previous] = current.deployedVersion
      ? await tx
          .select({ definition: workflowVersions.definition })
          .from(workflowVersions)
          .where(and(eq(workflowVersions.workflowId, workflowId), eq(workflowVersions.version, current.deployedVersion)))
      : [];
    const toolAction = toolChangeAction(toolOf(previous?.definition), toolOf(definition));
    if (toolAction) {
      await recordAuditEvent(tx, {
        projectId,
        actor,
        action: toolAction.action,
        object: workflowObject({ id: workflowId, name: current.name }),
        changes: toolAction.changes,
      });
    }
    return { version: version! };
  });
}

export async function getWorkflowVersion({
  workflowId,
  version,
}: {
  workflowId: string;
  version: number;
}): Promise<WorkflowVersion | undefined> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workflowId, workflowId), eq(workflowVersions.version, version)));
  return row;
}

export async function deleteWorkflow({
  projectId,
  workflowId,
  actor,
}: {
  projectId: string;
  workflowId: string;
  actor: AuditActor;
}): Promise<boolean> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [deleted] = await tx
      .delete(workflows)
      .where(and(eq(workflows.projectId, projectId), eq(workflows.id, workflowId)))
      .returning({ id: workflows.id, name: workflows.name });
    if (!deleted) return false;
    await recordAuditEvent(tx, { projectId, actor, action: "workflow.deleted", object: workflowObject(deleted) });
    return true;
  });
}

export async function setWorkflowEnabledForAll({
  projectId,
  workflowId,
  enabled,
  actor,
}: {
  projectId: string;
  workflowId: string;
  enabled: boolean;
  actor: AuditActor;
}): Promise<boolean> {
  return setWorkflowFlag({
    projectId,
    workflowId,
    set: { enabledForAll: enabled },
    actor,
    action: enabled ? "workflow.enabled" : "workflow.disabled",
  });
}

/** "End users may start this workflow" (lib/workflows/starters.ts); audited as a workflow update. */
export async function setWorkflowEndUsersMayStart({
  projectId,
  workflowId,
  allowed,
  actor,
}: {
  projectId: string;
  workflowId: string;
  allowed: boolean;
  actor: AuditActor;
}): Promise<boolean> {
  return setWorkflowFlag({ projectId, workflowId, set: { endUsersMayStart: allowed }, actor, action: "workflow.updated" });
}

/** One of a workflow's settings and its audit event, in one transaction; false when the project has no such workflow. */
async function setWorkflowFlag({
  projectId,
  workflowId,
  set,
  actor,
  action,
}: {
  projectId: string;
  workflowId: string;
  set: Partial<Pick<Workflow, "enabledForAll" | "endUsersMayStart">>;
  actor: AuditActor;
  action: `workflow.${string}`;
}): Promise<boolean> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(workflows)
      .set({ ...set, updatedAt: sql`now()` })
      .where(and(eq(workflows.projectId, projectId), eq(workflows.id, workflowId)))
      .returning({ id: workflows.id, name: workflows.name });
    if (!updated) return false;
    await recordAuditEvent(tx, { projectId, actor, action, object: workflowObject(updated), changes: Object.keys(set) });
    return true;
  });
}

/** A Connected User's own setting for a workflow of the project; false when the project has no such workflow. */
export async function setUserWorkflowEnabled({
  projectId,
  workflowId,
  userId,
  enabled,
  actor,
}: {
  projectId: string;
  workflowId: string;
  userId: string;
  enabled: boolean;
  actor: AuditActor;
}): Promise<boolean> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [workflow] = await tx
      .select({ id: workflows.id, name: workflows.name })
      .from(workflows)
      .where(and(eq(workflows.projectId, projectId), eq(workflows.id, workflowId)))
      // Kept until the setting is written: a workflow deleted meanwhile waits, rather than fail the insert.
      .for("share");
    if (!workflow) return false;
    await tx
      .insert(workflowUserSettings)
      .values({ workflowId, userId, enabled })
      .onConflictDoUpdate({
        target: [workflowUserSettings.workflowId, workflowUserSettings.userId],
        set: { enabled, updatedAt: sql`now()` },
      });
    await recordAuditEvent(tx, {
      projectId,
      actor,
      action: enabled ? "workflow.user_enabled" : "workflow.user_disabled",
      object: workflowObject(workflow),
      changes: [`users.${userId}.enabled`],
    });
    return true;
  });
}

/** The project's deployed workflows, each with whether it runs for this Connected User, and what decides who may start it (lib/workflows/starters.ts). */
export async function listWorkflowsOfUser({ projectId, userId }: { projectId: string; userId: string }) {
  const db = await getDb();
  return db
    .select({
      id: workflows.id,
      name: workflows.name,
      deployedVersion: sql<number>`${workflows.deployedVersion}`,
      enabled: sql<boolean>`coalesce(${workflowUserSettings.enabled}, ${workflows.enabledForAll})`,
      endUsersMayStart: workflows.endUsersMayStart,
      definition: workflowVersions.definition,
    })
    .from(workflows)
    .innerJoin(
      workflowVersions,
      and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.deployedVersion)),
    )
    .leftJoin(workflowUserSettings, and(eq(workflowUserSettings.workflowId, workflows.id), eq(workflowUserSettings.userId, userId)))
    .where(and(eq(workflows.projectId, projectId), isNotNull(workflows.deployedVersion)))
    .orderBy(asc(workflows.name), asc(workflows.id));
}

/** The names of the project's workflows whose deployed version has a request step through this resource. */
export async function listDeployedWorkflowsUsingResource({
  projectId,
  resourceId,
}: {
  projectId: string;
  resourceId: string;
}): Promise<string[]> {
  const db = await getDb();
  const rows = await db
    .select({ name: workflows.name })
    .from(workflows)
    .innerJoin(
      workflowVersions,
      and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.deployedVersion)),
    )
    .where(
      and(
        eq(workflows.projectId, projectId),
        // Anywhere in the tree: a branch's or a Fan Out's steps too.
        sql`jsonb_path_exists(${workflowVersions.definition} -> 'steps', '$.** ? (@.type == "request" && @.resourceId == $id)', jsonb_build_object('id', ${resourceId}::text))`,
      ),
    )
    .orderBy(asc(workflows.name));
  return rows.map((row) => row.name);
}

/**
 * The project's published resources with what workflows need of them: level, User Profile
 * settings, and for Resource Triggers the webhook Event types (null without webhook settings)
 * and the sample event.
 */
export async function listWorkflowResources({ projectId }: { projectId: string }) {
  const db = await getDb();
  const rows = await db
    .select({
      id: resources.id,
      name: resources.name,
      published: resources.published,
      webhookEventTypes: sql<string[] | null>`${resources.webhook} -> 'eventTypes'`.mapWith(parseJsonb<string[] | null>),
      webhookSample: resources.webhookSample,
    })
    .from(resources)
    .where(and(eq(resources.projectId, projectId), isNotNull(resources.published)))
    .orderBy(asc(resources.name));
  return rows.map(({ published, ...row }) => ({
    ...row,
    level: published!.level,
    userProfile: published!.config.request?.userProfile,
  }));
}

/** Who already has a tool name in a project: an enabled OpenAPI operation tool (its resource), or another workflow exposed as a tool (its draft or deployed version). */
export type ToolNameHolder = { kind: "operation"; resourceName: string } | { kind: "workflow"; workflowName: string };

/** A workflow definition's tool (its Request trigger's `tool`), in SQL. */
const exposedTool = (definition: SQLWrapper) => sql`${definition} -> 'trigger' -> 'tool'`;

/**
 * The holder of tool name `name` in the project, other than the workflow `exceptWorkflowId` or
 * the operation tool `exceptToolId`: an enabled operation tool, or a workflow whose draft or
 * deployed version exposes a tool of this name. `db` may be a transaction.
 */
export async function findToolNameHolder(
  {
    projectId,
    name,
    exceptWorkflowId,
    exceptToolId,
  }: { projectId: string; name: string; exceptWorkflowId?: string; exceptToolId?: string },
  db?: Database | Transaction,
): Promise<ToolNameHolder | undefined> {
  const conn = db ?? (await getDb());
  const [operation] = await conn
    .select({ resourceName: resources.name })
    .from(resourceTools)
    .innerJoin(resources, eq(resources.id, resourceTools.resourceId))
    .where(
      and(
        eq(resourceTools.projectId, projectId),
        sql`${resourceTools.enabled}`,
        eq(resourceTools.name, name),
        exceptToolId === undefined ? undefined : ne(resourceTools.id, exceptToolId),
      ),
    )
    .limit(1);
  if (operation) return { kind: "operation", resourceName: operation.resourceName };
  const toolName = (definition: SQLWrapper) => sql`${exposedTool(definition)} ->> 'name'`;
  const [workflow] = await conn
    .select({ workflowName: workflows.name })
    .from(workflows)
    .leftJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.deployedVersion)))
    .where(
      and(
        eq(workflows.projectId, projectId),
        exceptWorkflowId === undefined ? undefined : ne(workflows.id, exceptWorkflowId),
        or(sql`${toolName(workflows.draft)} = ${name}`, sql`${toolName(workflowVersions.definition)} = ${name}`),
      ),
    )
    .orderBy(asc(workflows.name))
    .limit(1);
  return workflow ? { kind: "workflow", workflowName: workflow.workflowName } : undefined;
}

/** A workflow exposed as a tool in its draft or its deployed version (Settings → Agents). */
export interface ProjectWorkflowTool {
  workflowId: string;
  workflowName: string;
  enabledForAll: boolean;
  /** The tool agents are offered: the deployed version's; null while only the draft exposes one. */
  deployedTool: StoredWorkflowTool | null;
  /** The draft's tool: it is offered once deployed. */
  draftTool: StoredWorkflowTool | null;
}

/**
 * The project's workflows whose draft or deployed version exposes a tool (as
 * listDeployedWorkflowTools and findToolNameHolder read it), by tool name: what Settings → Agents
 * lists, whoever they run for.
 */
export async function listProjectWorkflowTools({ projectId }: { projectId: string }): Promise<ProjectWorkflowTool[]> {
  const db = await getDb();
  const rows = await db
    .select({
      workflowId: workflows.id,
      workflowName: workflows.name,
      enabledForAll: workflows.enabledForAll,
      draft: workflows.draft,
      deployed: workflowVersions.definition,
    })
    .from(workflows)
    .leftJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.deployedVersion)))
    .where(
      and(
        eq(workflows.projectId, projectId),
        or(
          sql`jsonb_typeof(${exposedTool(workflows.draft)}) = 'object'`,
          and(eq(workflowVersions.triggerKind, "request"), sql`jsonb_typeof(${exposedTool(workflowVersions.definition)}) = 'object'`),
        ),
      ),
    )
    .orderBy(asc(workflows.name), asc(workflows.id));
  return rows
    .map(({ draft, deployed, ...row }) => ({
      ...row,
      deployedTool: toolOf(deployed ?? undefined) ?? null,
      draftTool: toolOf(draft) ?? null,
    }))
    .sort((a, b) => (a.deployedTool ?? a.draftTool)!.name.localeCompare((b.deployedTool ?? b.draftTool)!.name));
}

/**
 * The project's deployed workflows exposed as tools (their deployed version's Request trigger has
 * a tool) that run for `userId` (their own setting, else Enabled for all users); `name` narrows
 * them to the one of that tool name.
 */
export async function listDeployedWorkflowTools({
  projectId,
  userId,
  name,
}: {
  projectId: string;
  userId: string;
  name?: string;
}): Promise<{ workflow: Workflow; version: WorkflowVersion; userEnabled: boolean | null }[]> {
  const db = await getDb();
  const tool = exposedTool(workflowVersions.definition);
  return db
    .select({ workflow: workflows, version: workflowVersions, userEnabled: workflowUserSettings.enabled })
    .from(workflows)
    .innerJoin(
      workflowVersions,
      and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.deployedVersion)),
    )
    .leftJoin(workflowUserSettings, and(eq(workflowUserSettings.workflowId, workflows.id), eq(workflowUserSettings.userId, userId)))
    .where(
      and(
        eq(workflows.projectId, projectId),
        eq(workflowVersions.triggerKind, "request"),
        sql`jsonb_typeof(${tool}) = 'object'`,
        sql`coalesce(${workflowUserSettings.enabled}, ${workflows.enabledForAll})`,
        name === undefined ? undefined : sql`${tool} ->> 'name' = ${name}`,
      ),
    )
    .orderBy(sql`${tool} ->> 'name'`, asc(workflows.id));
}
