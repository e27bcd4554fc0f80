"use server";

import { z } from "zod";
import { projectIdSchema } from "@/lib/projects/schema";
import { workflowNameSchema } from "@/lib/workflows/definition";
import { testWorkflowDraft } from "@/lib/workflows/execute";
import {
  createWorkflowDraft,
  deployWorkflow as deployWorkflowDraft,
  removeWorkflow,
  saveWorkflow as saveWorkflowDraft,
  setEnabledForAll,
  setEndUsersMayStart,
} from "@/lib/workflows/workflows";
import { projectAction } from "@/server/action";
import { dashboardActor } from "@/lib/audit/audit-log";

// The workflow editor's actions. The editor's values are validated by lib/workflows/workflows
// (workflowEditorSchema, then the variables and resources of this project); every id is
// checked against the project there.

const workflowInput = z.object({ projectId: projectIdSchema, workflowId: z.uuid() });
const editorInput = workflowInput.extend({ values: z.record(z.string(), z.unknown()) });

export const createWorkflow = projectAction(
  z.object({ projectId: projectIdSchema, name: workflowNameSchema }),
  async (input, { user }) => ({
    ok: true,
    data: await createWorkflowDraft({ ...input, actor: dashboardActor(user) }),
  }),
);

export const saveWorkflow = projectAction(editorInput, async (input, { user }) => ({
  ok: true,
  data: await saveWorkflowDraft({ ...input, actor: dashboardActor(user) }),
}));

/** Test saves first, then runs the saved draft on the resources' test connections. */
export const testWorkflow = projectAction(editorInput, async ({ projectId, workflowId, values }, { user, membership }) => {
  await saveWorkflowDraft({ projectId, workflowId, values, actor: dashboardActor(user) });
  const result = await testWorkflowDraft({ projectId, workflowId, allowPrivateNetwork: membership.project.allowPrivateNetwork });
  return { ok: true, data: result };
});

/** Deploy saves first, so what is deployed is what the editor shows. */
export const deployWorkflow = projectAction(editorInput, async ({ projectId, workflowId, values }, { user }) => {
  const actor = dashboardActor(user);
  await saveWorkflowDraft({ projectId, workflowId, values, actor });
  return { ok: true, data: await deployWorkflowDraft({ projectId, workflowId, actor }) };
});

export const setWorkflowEnabledForAll = projectAction(workflowInput.extend({ enabled: z.boolean() }), async (input, { user }) => {
  await setEnabledForAll({ ...input, actor: dashboardActor(user) });
  return { ok: true, data: undefined };
});

export const setWorkflowEndUsersMayStart = projectAction(
  workflowInput.extend({ enabled: z.boolean() }),
  async ({ enabled, ...input }, { user }) => {
    await setEndUsersMayStart({ ...input, allowed: enabled, actor: dashboardActor(user) });
    return { ok: true, data: undefined };
  },
);

export const deleteWorkflow = projectAction(workflowInput, async (input, { user }) => {
  await removeWorkflow({ ...input, actor: dashboardActor(user) });
  return { ok: true, data: undefined };
});
