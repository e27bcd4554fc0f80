import type { AuditActor } from "@/lib/audit/audit-log";
import { listResources } from "@/db/queries/resources";
import { createWorkflow, getWorkflow, saveWorkflowDraft } from "@/db/queries/workflows";
import type { Resource, Workflow } from "@/db/schema";
import type { StoredStep, StoredTrigger } from "@/db/workflow-definition";
import { AppError } from "@/lib/errors";
import { profileFieldList } from "@/lib/resources/schema";
import { workflowToolProblems } from "@/lib/tools/workflow-tool-checks";
import { checkWorkflowDefinition, type TriggerResource } from "@/lib/workflows/definition";
import { workflowDocumentSchema } from "@/lib/workflows/editor-schema";
import { rewriteSteps } from "@/lib/workflows/tree";
import type { VariableContext } from "@/lib/workflows/variables";
import { workflowDraftChanges } from "@/lib/workflows/workflows";
import { isPlainObject } from "@/lib/json";
import { checkDocument, CONFIG_FORMAT_VERSION, FieldErrors } from "./document";
import { missingResourceField, missingResourcesMessage } from "./api-schema";

// A workflow as code: its draft (name, Sample trigger input, trigger, steps) as a JSON
// document that names the resources its steps and trigger use by resource name, so that an
// import into another project binds them to that project's resources of the same name, and the
// workflow's End users may start this workflow setting. An import is validated with the
// editor's schema and save checks; it never deploys.

type WithResourceName<T> = T extends { resourceId: string } ? Omit<T, "resourceId"> & { resource: string | null } : T;

export interface WorkflowDocument {
  kind: "workflow";
  version: typeof CONFIG_FORMAT_VERSION;
  name: string;
  /** End users may start this workflow (lib/workflows/starters.ts); a document without it imports as false. */
  endUsersMayStart: boolean;
  sampleTrigger: Record<string, unknown>;
  trigger: WithResourceName<StoredTrigger> | null;
  steps: WithResourceName<StoredStep>[];
}

const workflowNotFound = () => new AppError("workflow_not_found");

/** `resourceId` → `resource` (the resource's name; null when the project no longer has it), keeping the fields' order. */
function namingResource<T extends object>(value: T, names: ReadonlyMap<string, string>): WithResourceName<T> {
  if (!("resourceId" in value)) return value as WithResourceName<T>;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => (key === "resourceId" ? ["resource", names.get(field as string) ?? null] : [key, field])),
  ) as WithResourceName<T>;
}

export function workflowDocument(workflow: Workflow, resources: readonly Pick<Resource, "id" | "name">[]): WorkflowDocument {
  const names = new Map(resources.map((resource) => [resource.id, resource.name]));
  return {
    kind: "workflow",
    version: CONFIG_FORMAT_VERSION,
    name: workflow.name,
    endUsersMayStart: workflow.endUsersMayStart,
    sampleTrigger: workflow.sampleTrigger,
    trigger: workflow.draft.trigger ? namingResource(workflow.draft.trigger, names) : null,
    steps: rewriteSteps(workflow.draft.steps, (step) => namingResource(step, names)) as WithResourceName<StoredStep>[],
  };
}

export async function exportWorkflow({ projectId, workflowId }: { projectId: string; workflowId: string }): Promise<WorkflowDocument> {
  const workflow = await getWorkflow({ projectId, workflowId });
  if (!workflow) throw workflowNotFound();
  return workflowDocument(workflow, await listResources({ projectId }));
}

const documentKeys = new Set(["kind", "version", "name", "endUsersMayStart", "sampleTrigger", "trigger", "steps"]);

/**
 * What the save checks know of the target project: every resource with an API Info (published
 * or not, since an import often brings its resources as drafts too), by its published
 * configuration else its draft, and those with webhook settings as Resource Triggers.
 */
function checkContext(resources: readonly Resource[], lastTestOutputs: Record<string, unknown>, sampleTrigger: Record<string, unknown>) {
  const known: VariableContext["resources"][number][] = [];
  const triggerResources: TriggerResource[] = [];
  for (const resource of resources) {
    const level = resource.published?.level ?? resource.level;
    if (!level) continue;
    const profile = (resource.published?.config ?? resource.config).request?.userProfile;
    const profileFields =
      profile?.source === "request"
        ? profileFieldList(profile.fields)
        : profile?.source === "jwt"
          ? [profile.claimPath].filter(Boolean)
          : [];
    known.push({ id: resource.id, name: resource.name, level, profileFields });
    if (resource.webhook)
      triggerResources.push({
        id: resource.id,
        name: resource.name,
        eventTypes: resource.webhook.eventTypes,
        sample: resource.webhookSample,
      });
  }
  return { resources: known, triggerResources, lastTestOutputs, sampleTrigger };
}

/** Error paths of the editor ("steps.0.resourceId") as the document names them ("steps.0.resource"). */
function toDocumentPath(path: readonly PropertyKey[]): PropertyKey[] {
  return path.map((segment, index) => (segment === "resourceId" && index === path.length - 1 ? "resource" : segment));
}

export interface ParsedWorkflow {
  name: string;
  endUsersMayStart: boolean;
  definition: { trigger: StoredTrigger | null; steps: StoredStep[] };
  sampleTrigger: Record<string, unknown>;
}

/**
 * Validates a workflow document for a project: each `resource` names one of its resources
 * (case-insensitive; the missing ones listed), then the editor's schema and save checks.
 */
export function parseWorkflowDocument(
  value: unknown,
  { resources, lastTestOutputs = {} }: { resources: readonly Resource[]; lastTestOutputs?: Record<string, unknown> },
): ParsedWorkflow {
  const doc = checkDocument(value, "workflow");
  const errors = new FieldErrors();
  for (const key of Object.keys(doc)) if (!documentKeys.has(key)) errors.add([key], "Unknown field.");
  const endUsersMayStart = doc.endUsersMayStart ?? false;
  if (typeof endUsersMayStart !== "boolean") errors.add(["endUsersMayStart"], "Enter true or false (or leave it out: false).");
  const sample = doc.sampleTrigger ?? {};
  if (!isPlainObject(sample)) errors.add(["sampleTrigger"], 'Enter a JSON object, e.g. {"payload": {"taskId": "t_1"}}.');

  // Bind resource names to this project's resources.
  const byName = new Map(resources.map((resource) => [resource.name.toLowerCase(), resource.id]));
  const missing = new Set<string>();
  const bind = (node: unknown, path: PropertyKey[]): unknown => {
    if (!isPlainObject(node)) return node;
    // IDs are another project's: a document names resources only by name.
    const { resource, resourceId, ...rest } = node;
    if (resourceId !== undefined) errors.add([...path, "resourceId"], "Unknown field: name the resource by its name, with resource.");
    if (resource === undefined) return rest;
    if (typeof resource !== "string" || !resource.trim()) {
      errors.add([...path, "resource"], "Name one of this project's resources.");
      return rest;
    }
    const id = byName.get(resource.trim().toLowerCase());
    if (!id) {
      missing.add(resource.trim());
      errors.add([...path, "resource"], missingResourceField(resource.trim()));
      return rest;
    }
    return { ...rest, resourceId: id };
  };
  const trigger = bind(doc.trigger, ["trigger"]);
  // Every step of the tree: a branch's or a Fan Out's Request steps name their resources too.
  const steps = rewriteSteps(doc.steps, (step, path) => bind(step, path) as Record<string, unknown>);
  errors.throwIfAny(missing.size ? missingResourcesMessage([...missing]) : undefined);

  const input = { name: doc.name, sampleTrigger: JSON.stringify(sample), trigger: trigger ?? null, steps };
  const parsed = workflowDocumentSchema.safeParse(input);
  if (!parsed.success) {
    errors.addZod(parsed.error, toDocumentPath);
    errors.throwIfAny();
  }
  const values = parsed.data!;
  errors.addUnknownFields({ trigger: input.trigger, steps }, { trigger: values.trigger, steps: values.steps }, toDocumentPath);
  const definition = { trigger: values.trigger, steps: values.steps };
  const problems = checkWorkflowDefinition(definition, checkContext(resources, lastTestOutputs, values.sampleTrigger));
  for (const [path, message] of Object.entries(problems)) errors.add(toDocumentPath(path.split(".")), message);
  errors.throwIfAny();
  return { name: values.name, endUsersMayStart: endUsersMayStart === true, definition, sampleTrigger: values.sampleTrigger };
}

/** Expose as a tool's checks against the project (a JSON Schema that compiles, a name no other tool has), as the editor's save makes them. */
async function assertWorkflowTool(projectId: string, workflowId: string | undefined, parsed: ParsedWorkflow): Promise<void> {
  const problems = await workflowToolProblems({ projectId, workflowId, trigger: parsed.definition.trigger });
  if (Object.keys(problems).length) throw new AppError("invalid_input", { fields: problems });
}

/** Imports a workflow document as a new draft of the project, bound to its resources by name: never deployed. */
export async function importWorkflow({
  projectId,
  document,
  actor,
}: {
  projectId: string;
  document: unknown;
  actor: AuditActor;
}): Promise<{ workflowId: string }> {
  const parsed = parseWorkflowDocument(document, { resources: await listResources({ projectId }) });
  await assertWorkflowTool(projectId, undefined, parsed);
  const workflow = await createWorkflow({
    projectId,
    name: parsed.name,
    endUsersMayStart: parsed.endUsersMayStart,
    draft: parsed.definition,
    sampleTrigger: parsed.sampleTrigger,
    actor,
  });
  return { workflowId: workflow.id };
}

/**
 * Replaces an existing workflow's draft with a document's; the deployed version stays in force
 * until Deploy. End users may start this workflow is a setting, not part of the draft: it takes
 * the document's value at once.
 */
export async function replaceWorkflowConfig({
  projectId,
  workflowId,
  document,
  actor,
}: {
  projectId: string;
  workflowId: string;
  document: unknown;
  actor: AuditActor;
}): Promise<WorkflowDocument> {
  const workflow = await getWorkflow({ projectId, workflowId });
  if (!workflow) throw workflowNotFound();
  const resources = await listResources({ projectId });
  const parsed = parseWorkflowDocument(document, { resources, lastTestOutputs: workflow.lastTestOutputs });
  await assertWorkflowTool(projectId, workflowId, parsed);
  const changes = workflowDraftChanges(workflow, {
    name: parsed.name,
    endUsersMayStart: parsed.endUsersMayStart,
    trigger: parsed.definition.trigger,
    steps: parsed.definition.steps,
    sampleTrigger: parsed.sampleTrigger,
  });
  const saved = await saveWorkflowDraft({
    projectId,
    workflowId,
    name: parsed.name,
    endUsersMayStart: parsed.endUsersMayStart,
    draft: parsed.definition,
    sampleTrigger: parsed.sampleTrigger,
    actor,
    changes,
  });
  if (!saved) throw workflowNotFound();
  return workflowDocument(saved, resources);
}
