import { z } from "zod";
import type { StoredUserProfileSettings } from "@/db/resource-config";
import {
  createWorkflow,
  deleteWorkflow,
  deployWorkflowVersion,
  getWorkflow,
  listDeployedWorkflowsUsingResource,
  listWorkflowResources,
  saveWorkflowDraft,
  setWorkflowEnabledForAll,
  setWorkflowEndUsersMayStart,
} from "@/db/queries/workflows";
import type { Workflow } from "@/db/schema";
import type { StoredTrigger } from "@/db/workflow-definition";
import { type AuditActor, changedFields } from "@/lib/audit/audit-log";
import { AppError, invalidInputError } from "@/lib/errors";
import { profileFieldList } from "@/lib/resources/schema";
import { workflowToolProblems } from "@/lib/tools/workflow-tool-checks";
import { syncWorkflowSchedule } from "./jobs";
import { changedSteps } from "./tree";
import { checkWorkflowDefinition, type TriggerResource, workflowDefinitionSchema, workflowNameSchema } from "./definition";
import {
  editorStepVariables,
  effectiveSampleTrigger,
  sampleTriggerText,
  type EditorVariableContext,
  type WorkflowEditorInput,
  workflowEditorSchema,
} from "./editor-schema";
import type { VariableContext } from "./variables";
import { inputSchemaText } from "./workflow-tool";

// Workflows as the dashboard edits them: create, save the draft (validated against the
// project's published resources and the variables available at each step), deploy a frozen
// version, enable for all users, delete.

const notFound = () => new AppError("workflow_not_found");

/** Whether a saved draft differs from the version in force. */
export function hasUndeployedChanges(workflow: Pick<Workflow, "deployedAt" | "draftChangedAt">): boolean {
  return workflow.deployedAt !== null && workflow.draftChangedAt > workflow.deployedAt;
}

export interface WorkflowStatus {
  deployedVersion: number | null;
  undeployedChanges: boolean;
}

function statusOf(workflow: Workflow): WorkflowStatus {
  return { deployedVersion: workflow.deployedVersion, undeployedChanges: hasUndeployedChanges(workflow) };
}

function profileFields(profile: StoredUserProfileSettings | undefined): string[] {
  if (profile?.source === "request") return profileFieldList(profile.fields);
  if (profile?.source === "jwt") return [profile.claimPath].filter(Boolean);
  return [];
}

/**
 * The project's published resources as variables and request steps know them, and those with
 * webhook settings as Resource Triggers (their Event types and sample event).
 */
async function workflowResources(
  projectId: string,
): Promise<{ resources: VariableContext["resources"]; triggerResources: TriggerResource[] }> {
  const rows = await listWorkflowResources({ projectId });
  return {
    resources: rows.map(({ id, name, level, userProfile }) => ({ id, name, level, profileFields: profileFields(userProfile) })),
    triggerResources: rows.flatMap(({ id, name, webhookEventTypes, webhookSample }) =>
      webhookEventTypes ? [{ id, name, eventTypes: webhookEventTypes, sample: webhookSample }] : [],
    ),
  };
}

/** Workflows → Create Workflow: a draft with a name, no trigger and no steps. */
export async function createWorkflowDraft({
  projectId,
  name,
  actor,
}: {
  projectId: string;
  name: unknown;
  actor: AuditActor;
}): Promise<{ workflowId: string }> {
  const parsed = z.object({ name: workflowNameSchema }).safeParse({ name });
  if (!parsed.success) throw invalidInputError(parsed.error);
  const workflow = await createWorkflow({ projectId, name: parsed.data.name, actor });
  return { workflowId: workflow.id };
}

/**
 * What a new draft changes in a workflow, as the Audit Log names it: its name, End users may start
 * this workflow (when the new draft sets it: the editor's save does not), trigger and Sample
 * trigger input as fields, and each step touched ("steps.get_task"). The editor's save and an
 * import both name their changes with it.
 */
export function workflowDraftChanges(
  workflow: Workflow,
  next: {
    name: string;
    endUsersMayStart?: boolean;
    trigger: Workflow["draft"]["trigger"];
    steps: Workflow["draft"]["steps"];
    sampleTrigger: unknown;
  },
): string[] {
  const setsStarters = next.endUsersMayStart !== undefined;
  return [
    ...changedFields(
      {
        name: workflow.name,
        ...(setsStarters ? { endUsersMayStart: workflow.endUsersMayStart } : {}),
        trigger: workflow.draft.trigger,
        sampleTrigger: workflow.sampleTrigger,
      },
      {
        name: next.name,
        ...(setsStarters ? { endUsersMayStart: next.endUsersMayStart } : {}),
        trigger: next.trigger,
        sampleTrigger: next.sampleTrigger,
      },
      { depth: 1 },
    ),
    ...changedSteps(workflow.draft.steps, next.steps),
  ];
}

/**
 * Save in the editor: the values' shape (name, trigger, steps, a JSON object as sample
 * payload), then a Resource Trigger's resource and event type, every request step's resource
 * and every template's variables, against the sample being saved and the last Test's outputs.
 * A Resource Trigger whose resource has a sample event saves that event as the sample (Test
 * runs with it). Errors by dotted path ("steps.1.path", "trigger.eventType").
 */
export async function saveWorkflow({
  projectId,
  workflowId,
  values,
  actor,
}: {
  projectId: string;
  workflowId: string;
  values: unknown;
  actor: AuditActor;
}): Promise<WorkflowStatus> {
  const workflow = await getWorkflow({ projectId, workflowId });
  if (!workflow) throw notFound();
  const parsed = workflowEditorSchema.safeParse(values);
  if (!parsed.success) throw invalidInputError(parsed.error);
  const { name, trigger, steps } = parsed.data;
  const definition = { trigger, steps };
  const { resources, triggerResources } = await workflowResources(projectId);
  const sampleTrigger = effectiveSampleTrigger(trigger, triggerResources, parsed.data.sampleTrigger);
  const errors = {
    ...checkWorkflowDefinition(definition, {
      resources,
      triggerResources,
      sampleTrigger,
      lastTestOutputs: workflow.lastTestOutputs,
    }),
    ...(await workflowToolProblems({ projectId, workflowId, trigger })),
  };
  if (Object.keys(errors).length) throw new AppError("invalid_input", { fields: errors });
  const changes = workflowDraftChanges(workflow, { name, trigger, steps, sampleTrigger });
  const saved = await saveWorkflowDraft({ projectId, workflowId, name, draft: definition, sampleTrigger, actor, changes });
  if (!saved) throw notFound();
  return statusOf(saved);
}

function notDeployable(message: string, fields?: Record<string, string>): AppError {
  return new AppError("workflow_not_deployable", { message, ...(fields ? { fields } : {}) });
}

/**
 * Deploy: freezes the saved draft as the next version, which new runs use, and registers (or
 * removes) the Scheduler's cron. A draft without a trigger or steps, or that no longer passes
 * the save checks (a resource was unpublished since), is refused.
 */
export async function deployWorkflow({
  projectId,
  workflowId,
  actor,
}: {
  projectId: string;
  workflowId: string;
  actor: AuditActor;
}): Promise<{ version: number }> {
  const workflow = await getWorkflow({ projectId, workflowId });
  if (!workflow) throw notFound();
  const parsed = workflowDefinitionSchema.safeParse(workflow.draft);
  if (!parsed.success) throw notDeployable("The saved draft is not valid: save the workflow again.");
  const definition = parsed.data;
  if (!definition.trigger && !definition.steps.length) throw notDeployable("Choose a trigger and add at least one step before deploying.");
  if (!definition.trigger) throw notDeployable("Choose a trigger before deploying.");
  if (!definition.steps.length) throw notDeployable("Add at least one step before deploying.");
  const { resources, triggerResources } = await workflowResources(projectId);
  const errors = {
    ...checkWorkflowDefinition(definition, {
      resources,
      triggerResources,
      sampleTrigger: effectiveSampleTrigger(definition.trigger, triggerResources, workflow.sampleTrigger),
      lastTestOutputs: workflow.lastTestOutputs,
    }),
    // An operation tool turned on since the save may have taken the tool's name.
    ...(await workflowToolProblems({ projectId, workflowId, trigger: definition.trigger })),
  };
  if (Object.keys(errors).length) throw notDeployable("Fix the highlighted fields before deploying.", errors);
  // The stored draft, as checked: a save since then makes this refuse rather than deploy unchecked steps.
  const outcome = await deployWorkflowVersion({ projectId, workflowId, definition: workflow.draft, actor });
  if ("conflict" in outcome) {
    if (outcome.conflict === "not_found") throw notFound();
    throw notDeployable("The draft changed while deploying. Deploy again.");
  }
  await syncWorkflowSchedule({ workflowId, trigger: definition.trigger });
  return { version: outcome.version.version };
}

/** "Enabled for all users": whether the workflow runs for Connected Users with no setting of their own. */
export async function setEnabledForAll({
  projectId,
  workflowId,
  enabled,
  actor,
}: {
  projectId: string;
  workflowId: string;
  enabled: boolean;
  actor: AuditActor;
}): Promise<void> {
  if (!(await setWorkflowEnabledForAll({ projectId, workflowId, enabled, actor }))) throw notFound();
}

/** "End users may start this workflow": whether a User Token may start it although it uses an App-Level resource (starters.ts). */
export async function setEndUsersMayStart({
  projectId,
  workflowId,
  allowed,
  actor,
}: {
  projectId: string;
  workflowId: string;
  allowed: boolean;
  actor: AuditActor;
}): Promise<void> {
  if (!(await setWorkflowEndUsersMayStart({ projectId, workflowId, allowed, actor }))) throw notFound();
}

/** Deletes a workflow with its versions and runs, and its schedule. */
export async function removeWorkflow({
  projectId,
  workflowId,
  actor,
}: {
  projectId: string;
  workflowId: string;
  actor: AuditActor;
}): Promise<void> {
  if (!(await deleteWorkflow({ projectId, workflowId, actor }))) throw notFound();
  await syncWorkflowSchedule({ workflowId, trigger: null });
}

/** Refuses (resource_in_use) while a deployed workflow has a request step through this resource. */
export async function assertResourceNotInDeployedWorkflows({
  projectId,
  resourceId,
}: {
  projectId: string;
  resourceId: string;
}): Promise<void> {
  const names = await listDeployedWorkflowsUsingResource({ projectId, resourceId });
  if (names.length) {
    throw new AppError("resource_in_use", {
      message: `Used by deployed workflows: ${names.join(", ")}. Remove its steps from them and deploy first.`,
    });
  }
}

/** Everything the editor page shows. */
export interface WorkflowEditorView {
  workflow: Pick<
    Workflow,
    "id" | "name" | "enabledForAll" | "endUsersMayStart" | "deployedVersion" | "deployedAt" | "draftChangedAt" | "updatedAt"
  >;
  /** The form's initial values: the saved draft. */
  values: WorkflowEditorInput;
  /** Published resources, for the Add step menu. */
  resources: { id: string; name: string; level: "user" | "app" }[];
  /** Published resources with webhook settings, for the Trigger select ("TaskLab Triggers") and its Event type. */
  triggerResources: { id: string; name: string; eventTypes: readonly string[]; hasSample: boolean }[];
  /** What the variable menu lists from (with the sample the form holds). */
  variableContext: EditorVariableContext;
  /** The variable menu's names for each saved step, by index. */
  /** The variable menu's names by step path in the form ("steps.1.whenTrue.0"). */
  variables: Record<string, string[]>;
  undeployedChanges: boolean;
}

/** The trigger as the editor's form holds it: an exposed tool's Input schema as JSON text. */
function editorTrigger(trigger: StoredTrigger | null): WorkflowEditorInput["trigger"] {
  if (trigger?.kind !== "request" || !trigger.tool) return trigger;
  return { ...trigger, tool: { ...trigger.tool, inputSchema: inputSchemaText(trigger.tool.inputSchema) } };
}

export async function loadWorkflowEditor({
  projectId,
  workflowId,
}: {
  projectId: string;
  workflowId: string;
}): Promise<WorkflowEditorView | undefined> {
  const workflow = await getWorkflow({ projectId, workflowId });
  if (!workflow) return undefined;
  const { resources, triggerResources } = await workflowResources(projectId);
  const values: WorkflowEditorInput = {
    name: workflow.name,
    trigger: editorTrigger(workflow.draft.trigger),
    steps: workflow.draft.steps,
    sampleTrigger: sampleTriggerText(workflow.sampleTrigger),
  };
  const variableContext: EditorVariableContext = { resources, triggerResources, lastTestOutputs: workflow.lastTestOutputs };
  const { id, name, enabledForAll, endUsersMayStart, deployedVersion, deployedAt, draftChangedAt, updatedAt } = workflow;
  return {
    workflow: { id, name, enabledForAll, endUsersMayStart, deployedVersion, deployedAt, draftChangedAt, updatedAt },
    values,
    resources: resources.map(({ id, name, level }) => ({ id, name, level })),
    triggerResources: triggerResources.map(({ id, name, eventTypes, sample }) => ({ id, name, eventTypes, hasSample: sample !== null })),
    variableContext,
    variables: editorStepVariables(values, variableContext),
    undeployedChanges: hasUndeployedChanges(workflow),
  };
}
