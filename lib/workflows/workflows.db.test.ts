import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { auditEvents } from "@/db/schema";
import {
  getWorkflow,
  getWorkflowVersion,
  listWorkflows,
  listWorkflowsOfUser,
  saveWorkflowDraft,
  setUserWorkflowEnabled,
} from "@/db/queries/workflows";
import { startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { settle } from "@/test/support/action-result";
import { projectWithSigningKey, publishedTaskLabResource } from "@/test/support/connect-fixtures";
import { syncWorkflowSchedule } from "./jobs";
import {
  assertResourceNotInDeployedWorkflows,
  createWorkflowDraft,
  deployWorkflow,
  loadWorkflowEditor,
  saveWorkflow,
  setEnabledForAll,
  setEndUsersMayStart,
} from "./workflows";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

// The Scheduler's cron lives in pg-boss (the engine's business): here we only check deploy asks for it.
vi.mock("./jobs", () => ({ syncWorkflowSchedule: vi.fn(async () => {}) }));

let tasklab: TaskLab;
beforeAll(async () => {
  tasklab = await startTaskLab();
});
afterAll(() => tasklab.close());
beforeEach(() => vi.mocked(syncWorkflowSchedule).mockClear());

/** A project with a published User-Level TaskLab resource (User Profile: id, email, team.name) and a new workflow. */
async function setup(name = "Sync tasks") {
  const { projectId } = await projectWithSigningKey();
  const resourceId = await publishedTaskLabResource(projectId, tasklab);
  const { workflowId } = await createWorkflowDraft({ projectId, name, actor: SYSTEM_ACTOR });
  return { projectId, resourceId, workflowId };
}

const requestStep = (resourceId: string, key: string, path: string, body = "") => ({
  key,
  type: "request" as const,
  resourceId,
  method: "POST" as const,
  path,
  query: [],
  headers: [],
  body,
  retries: true,
});

const appEvent = { kind: "app_event" as const, eventName: "task.sync" };
const sample = JSON.stringify({ name: "task.sync", payload: { taskId: "t_1" } });

describe("saveWorkflow", () => {
  it("refuses an unknown variable at its field's path, naming it with the closest known one, and saves nothing", async () => {
    const { projectId, resourceId, workflowId } = await setup();
    const values = {
      name: "Sync tasks",
      trigger: appEvent,
      sampleTrigger: sample,
      steps: [
        requestStep(resourceId, "get_task", "/tasks/{{trigger.payload.taskId}}"),
        requestStep(resourceId, "update_task", "/tasks/{{trigger.payload.taskid}}", '{"status": "{{steps.get_task.body.status}}"}'),
      ],
    };
    const result = await settle(saveWorkflow({ projectId, workflowId, values, actor: SYSTEM_ACTOR }));
    expect(result).toEqual({
      ok: false,
      fieldErrors: { "steps.1.path": [expect.stringContaining('Did you mean "trigger.payload.taskId"?')] },
    });
    if (!result.ok) expect(result.fieldErrors?.["steps.1.path"]?.[0]).toContain("trigger.payload.taskid");
    expect((await getWorkflow({ projectId, workflowId }))?.draft).toEqual({ trigger: null, steps: [] });

    // A later step may use an earlier one's outputs and the user's profile; the fixed draft saves.
    values.steps[1]!.path = "/tasks/{{trigger.payload.taskId}}?by={{user.profile.email}}";
    expect(await settle(saveWorkflow({ projectId, workflowId, values, actor: SYSTEM_ACTOR }))).toEqual({
      ok: true,
      data: { deployedVersion: null, undeployedChanges: false },
    });
    const saved = await getWorkflow({ projectId, workflowId });
    expect(saved?.draft.steps.map((step) => step.key)).toEqual(["get_task", "update_task"]);
    expect(saved?.sampleTrigger).toEqual({ name: "task.sync", payload: { taskId: "t_1" } });
  });

  it("refuses a resource of another project, a step key used twice and a sample payload that is not a JSON object", async () => {
    const { projectId, resourceId, workflowId } = await setup();
    const other = await projectWithSigningKey();
    const foreignResourceId = await publishedTaskLabResource(other.projectId, tasklab);
    const result = await settle(
      saveWorkflow({
        projectId,
        workflowId,
        values: { name: "Sync tasks", trigger: appEvent, sampleTrigger: "", steps: [requestStep(foreignResourceId, "get_task", "/tasks")] },
        actor: SYSTEM_ACTOR,
      }),
    );
    expect(result).toEqual({ ok: false, fieldErrors: { "steps.0.resourceId": ["Choose a published resource of this project."] } });

    const shape = await settle(
      saveWorkflow({
        projectId,
        workflowId,
        values: {
          name: " ",
          trigger: appEvent,
          sampleTrigger: "[1, 2]",
          steps: [requestStep(resourceId, "get_task", "/tasks"), requestStep(resourceId, "get_task", "tasks")],
        },
        actor: SYSTEM_ACTOR,
      }),
    );
    expect(shape).toEqual({
      ok: false,
      fieldErrors: {
        name: ["Enter a name."],
        sampleTrigger: [expect.stringContaining("Enter a JSON object")],
        "steps.1.path": ["Enter a path starting with /, relative to the API Base URL."],
        "steps.1.key": ["Step keys must be unique across the workflow, branches and Fan Outs included."],
      },
    });
    const tooLarge = JSON.stringify({ payload: "x".repeat(64 * 1024) });
    expect(
      await settle(
        saveWorkflow({
          projectId,
          workflowId,
          values: { name: "W", trigger: null, steps: [], sampleTrigger: tooLarge },
          actor: SYSTEM_ACTOR,
        }),
      ),
    ).toEqual({
      ok: false,
      fieldErrors: { sampleTrigger: ["Use at most 64 KB."] },
    });
  });

  it("refuses a workflow of another project", async () => {
    const { workflowId } = await setup();
    const other = await projectWithSigningKey();
    expect(await settle(saveWorkflow({ projectId: other.projectId, workflowId, values: {}, actor: SYSTEM_ACTOR }))).toEqual({
      ok: false,
      formError: "No workflow with this ID in this project.",
    });
    expect(await loadWorkflowEditor({ projectId: other.projectId, workflowId })).toBeUndefined();
  });
});

describe("deployWorkflow", () => {
  it("freezes version 1; a later save shows undeployed changes, and deploying again makes version 2 while version 1 stays as it was", async () => {
    const { projectId, resourceId, workflowId } = await setup();
    const first = {
      name: "Sync tasks",
      trigger: appEvent,
      sampleTrigger: sample,
      steps: [requestStep(resourceId, "get_task", "/tasks/{{trigger.payload.taskId}}")],
    };
    await saveWorkflow({ projectId, workflowId, values: first, actor: SYSTEM_ACTOR });
    expect(await listWorkflows({ projectId })).toEqual([
      expect.objectContaining({ id: workflowId, triggerKind: "app_event", deployedVersion: null, deployedAt: null }),
    ]);

    expect(await settle(deployWorkflow({ projectId, workflowId, actor: SYSTEM_ACTOR }))).toEqual({ ok: true, data: { version: 1 } });
    expect(syncWorkflowSchedule).toHaveBeenCalledWith({ workflowId, trigger: appEvent });
    const v1 = await getWorkflowVersion({ workflowId, version: 1 });
    expect(v1).toMatchObject({ triggerKind: "app_event", eventName: "task.sync", definition: { trigger: appEvent, steps: first.steps } });
    expect(await listWorkflows({ projectId })).toEqual([
      expect.objectContaining({ id: workflowId, name: "Sync tasks", triggerKind: "app_event", deployedVersion: 1 }),
    ]);
    expect((await loadWorkflowEditor({ projectId, workflowId }))?.undeployedChanges).toBe(false);

    // Saving the same definition (or only renaming) changes nothing that runs.
    expect(await saveWorkflow({ projectId, workflowId, values: { ...first, name: "Sync all tasks" }, actor: SYSTEM_ACTOR })).toEqual({
      deployedVersion: 1,
      undeployedChanges: false,
    });

    const scheduler = { kind: "scheduler" as const, cron: "0 9 * * 1-5", timeZone: "Europe/Berlin" };
    const second = {
      ...first,
      name: "Sync all tasks",
      trigger: scheduler,
      sampleTrigger: "",
      steps: [requestStep(resourceId, "list_tasks", "/tasks"), { key: "wait", type: "delay" as const, seconds: 30 }],
    };
    expect(await saveWorkflow({ projectId, workflowId, values: second, actor: SYSTEM_ACTOR })).toEqual({
      deployedVersion: 1,
      undeployedChanges: true,
    });
    const [listed] = await listWorkflows({ projectId });
    expect(listed!.draftChangedAt > listed!.deployedAt!).toBe(true);
    expect(listed!.triggerKind).toBe("app_event");
    expect((await loadWorkflowEditor({ projectId, workflowId }))?.undeployedChanges).toBe(true);

    expect(await settle(deployWorkflow({ projectId, workflowId, actor: SYSTEM_ACTOR }))).toEqual({ ok: true, data: { version: 2 } });
    expect(syncWorkflowSchedule).toHaveBeenLastCalledWith({ workflowId, trigger: scheduler });
    expect(await getWorkflowVersion({ workflowId, version: 2 })).toMatchObject({
      triggerKind: "scheduler",
      eventName: null,
      definition: { trigger: scheduler },
    });
    expect(await getWorkflowVersion({ workflowId, version: 1 })).toEqual(v1);
    const view = await loadWorkflowEditor({ projectId, workflowId });
    expect(view).toMatchObject({ workflow: { name: "Sync all tasks", deployedVersion: 2 }, undeployedChanges: false });
  });

  it("refuses a draft without a trigger or without steps", async () => {
    const { projectId, resourceId, workflowId } = await setup();
    expect(await settle(deployWorkflow({ projectId, workflowId, actor: SYSTEM_ACTOR }))).toEqual({
      ok: false,
      formError: "Choose a trigger and add at least one step before deploying.",
    });
    await saveWorkflow({
      projectId,
      workflowId,
      values: { name: "W", trigger: null, sampleTrigger: "", steps: [requestStep(resourceId, "get_task", "/tasks")] },
      actor: SYSTEM_ACTOR,
    });
    expect(await settle(deployWorkflow({ projectId, workflowId, actor: SYSTEM_ACTOR }))).toEqual({
      ok: false,
      formError: "Choose a trigger before deploying.",
    });
    await saveWorkflow({
      projectId,
      workflowId,
      values: { name: "W", trigger: { kind: "request" }, sampleTrigger: "", steps: [] },
      actor: SYSTEM_ACTOR,
    });
    expect(await settle(deployWorkflow({ projectId, workflowId, actor: SYSTEM_ACTOR }))).toEqual({
      ok: false,
      formError: "Add at least one step before deploying.",
    });
    expect(await getWorkflowVersion({ workflowId, version: 1 })).toBeUndefined();
    expect((await getWorkflow({ projectId, workflowId }))?.deployedVersion).toBeNull();
    expect(syncWorkflowSchedule).not.toHaveBeenCalled();
  });
});

describe("resources used by workflows", () => {
  it("refuses deleting a resource a deployed workflow uses, naming the workflows; a draft's use does not count", async () => {
    const { projectId, resourceId, workflowId } = await setup("Sync tasks");
    const unused = await publishedTaskLabResource(projectId, tasklab);
    const values = {
      name: "Sync tasks",
      trigger: { kind: "request" as const },
      sampleTrigger: "",
      steps: [requestStep(resourceId, "create_task", "/tasks")],
    };
    await saveWorkflow({ projectId, workflowId, values, actor: SYSTEM_ACTOR });
    expect(await settle(assertResourceNotInDeployedWorkflows({ projectId, resourceId }))).toEqual({ ok: true, data: undefined });

    await deployWorkflow({ projectId, workflowId, actor: SYSTEM_ACTOR });
    const { workflowId: another } = await createWorkflowDraft({ projectId, name: "Archive tasks", actor: SYSTEM_ACTOR });
    await saveWorkflow({ projectId, workflowId: another, values: { ...values, name: "Archive tasks" }, actor: SYSTEM_ACTOR });
    await deployWorkflow({ projectId, workflowId: another, actor: SYSTEM_ACTOR });
    expect(await settle(assertResourceNotInDeployedWorkflows({ projectId, resourceId }))).toEqual({
      ok: false,
      formError: "Used by deployed workflows: Archive tasks, Sync tasks. Remove its steps from them and deploy first.",
    });
    expect(await settle(assertResourceNotInDeployedWorkflows({ projectId, resourceId: unused }))).toEqual({ ok: true, data: undefined });

    // Removing the step from the draft is not enough: the deployed version still uses it.
    const without = { ...values, steps: [{ key: "wait", type: "delay" as const, seconds: 5 }] };
    await saveWorkflow({ projectId, workflowId, values: without, actor: SYSTEM_ACTOR });
    await saveWorkflow({ projectId, workflowId: another, values: { ...without, name: "Archive tasks" }, actor: SYSTEM_ACTOR });
    await deployWorkflow({ projectId, workflowId, actor: SYSTEM_ACTOR });
    expect(await settle(assertResourceNotInDeployedWorkflows({ projectId, resourceId }))).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/^Used by deployed workflows: Archive tasks\. /),
    });
    await deployWorkflow({ projectId, workflowId: another, actor: SYSTEM_ACTOR });
    expect(await settle(assertResourceNotInDeployedWorkflows({ projectId, resourceId }))).toEqual({ ok: true, data: undefined });
  });
});

describe("enablement", () => {
  it("lists the deployed workflows of a Connected User: their own setting, else Enabled for all users", async () => {
    const { projectId, resourceId, workflowId } = await setup("Sync tasks");
    const values = {
      name: "Sync tasks",
      trigger: { kind: "request" as const },
      sampleTrigger: "",
      steps: [requestStep(resourceId, "create_task", "/tasks")],
    };
    await saveWorkflow({ projectId, workflowId, values, actor: SYSTEM_ACTOR });
    await deployWorkflow({ projectId, workflowId, actor: SYSTEM_ACTOR });
    await createWorkflowDraft({ projectId, name: "Draft only", actor: SYSTEM_ACTOR });

    expect(await listWorkflowsOfUser({ projectId, userId: "ada" })).toEqual([
      {
        id: workflowId,
        name: "Sync tasks",
        deployedVersion: 1,
        enabled: true,
        endUsersMayStart: false,
        definition: expect.objectContaining({ trigger: { kind: "request" } }),
      },
    ]);

    expect(await setUserWorkflowEnabled({ projectId, workflowId, userId: "ada", enabled: false, actor: SYSTEM_ACTOR })).toBe(true);
    expect(await listWorkflowsOfUser({ projectId, userId: "ada" })).toMatchObject([{ enabled: false }]);
    expect(await listWorkflowsOfUser({ projectId, userId: "grace" })).toMatchObject([{ enabled: true }]);

    await setEnabledForAll({ projectId, workflowId, enabled: false, actor: SYSTEM_ACTOR });
    expect(await setUserWorkflowEnabled({ projectId, workflowId, userId: "ada", enabled: true, actor: SYSTEM_ACTOR })).toBe(true);
    expect(await listWorkflowsOfUser({ projectId, userId: "ada" })).toMatchObject([{ enabled: true }]);
    expect(await listWorkflowsOfUser({ projectId, userId: "grace" })).toMatchObject([{ enabled: false }]);

    // Another project's workflow id changes nothing.
    const other = await projectWithSigningKey();
    expect(
      await setUserWorkflowEnabled({ projectId: other.projectId, workflowId, userId: "ada", enabled: false, actor: SYSTEM_ACTOR }),
    ).toBe(false);
    expect(await listWorkflowsOfUser({ projectId, userId: "ada" })).toMatchObject([{ enabled: true }]);
    expect(await settle(setEnabledForAll({ projectId: other.projectId, workflowId, enabled: true, actor: SYSTEM_ACTOR }))).toEqual({
      ok: false,
      formError: "No workflow with this ID in this project.",
    });
  });

  it("saves End users may start this workflow (off by default), audited as a workflow update, in its own project only", async () => {
    const { projectId, workflowId } = await setup("Sync tasks");
    expect((await getWorkflow({ projectId, workflowId }))!.endUsersMayStart).toBe(false);
    await setEndUsersMayStart({ projectId, workflowId, allowed: true, actor: SYSTEM_ACTOR });
    expect((await getWorkflow({ projectId, workflowId }))!.endUsersMayStart).toBe(true);
    const [audited] = await (
      await getDb()
    )
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, projectId), eq(auditEvents.objectId, workflowId)))
      .orderBy(desc(auditEvents.createdAt))
      .limit(1);
    expect(audited).toMatchObject({ action: "workflow.updated", changes: ["endUsersMayStart"] });

    const other = await projectWithSigningKey();
    expect(await settle(setEndUsersMayStart({ projectId: other.projectId, workflowId, allowed: false, actor: SYSTEM_ACTOR }))).toEqual({
      ok: false,
      formError: "No workflow with this ID in this project.",
    });
    expect((await getWorkflow({ projectId, workflowId }))!.endUsersMayStart).toBe(true);
  });
});

describe("loadWorkflowEditor", () => {
  it("lists the published resources and, per step, the variables available there", async () => {
    const { projectId, resourceId, workflowId } = await setup();
    await saveWorkflow({
      projectId,
      workflowId,
      values: {
        name: "Sync tasks",
        trigger: appEvent,
        sampleTrigger: sample,
        steps: [
          requestStep(resourceId, "get_task", "/tasks"),
          { key: "check", type: "condition", left: "", operator: "is_not_empty", right: "", whenTrue: [], otherwise: [] },
        ],
      },
      actor: SYSTEM_ACTOR,
    });
    const view = (await loadWorkflowEditor({ projectId, workflowId }))!;
    expect(view.resources).toEqual([{ id: resourceId, name: expect.stringMatching(/^TaskLab /), level: "user" }]);
    expect(view.values).toMatchObject({
      name: "Sync tasks",
      trigger: appEvent,
      sampleTrigger: JSON.stringify(JSON.parse(sample), null, 2),
    });
    expect(view.variables["steps.0"]).toEqual(
      expect.arrayContaining(["trigger.name", "trigger.payload.taskId", "user.id", "user.profile.email", "user.profile.team.name"]),
    );
    expect(view.variables["steps.0"]).not.toContain("steps.get_task.status");
    expect(view.variables["steps.1"]).toEqual(expect.arrayContaining(["steps.get_task.status", "steps.get_task.body"]));
    expect(view.undeployedChanges).toBe(false);
  });

  it("opens a draft saved with a sample of another shape than its trigger's, and saving it names the shape on the field", async () => {
    const { projectId, resourceId, workflowId } = await setup();
    // Saved before samples were checked: the App Event's payload alone.
    const steps = [requestStep(resourceId, "get_task", "/tasks")];
    await saveWorkflowDraft({
      projectId,
      workflowId,
      name: "Sync tasks",
      draft: { trigger: appEvent, steps },
      sampleTrigger: { taskId: "t_1" },
      actor: SYSTEM_ACTOR,
      changes: [],
    });

    const view = (await loadWorkflowEditor({ projectId, workflowId }))!;
    expect(view.values.sampleTrigger).toBe(JSON.stringify({ taskId: "t_1" }, null, 2));
    expect(await settle(saveWorkflow({ projectId, workflowId, values: view.values, actor: SYSTEM_ACTOR }))).toEqual({
      ok: false,
      fieldErrors: { sampleTrigger: [expect.stringContaining('put the event\'s payload under "payload"')] },
    });
    expect((await getWorkflow({ projectId, workflowId }))!.sampleTrigger).toEqual({ taskId: "t_1" });
  });
});
